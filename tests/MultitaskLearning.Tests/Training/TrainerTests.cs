using MultitaskLearning.Data;
using MultitaskLearning.Models;
using MultitaskLearning.Tasks;
using MultitaskLearning.TestUtilities;
using MultitaskLearning.Training;
using MultitaskLearning.Training.Aggregation;
using MultitaskLearning.Training.Weighting;
using Xunit;

namespace MultitaskLearning.Tests.Training;

public sealed class TrainerTests
{
    private static readonly MultitaskDataset Data = SyntheticData.RelatedTasks(count: 300, seed: 4);
    private static readonly DatasetSplit Split = DatasetSplitter.Split(Data, new SplitOptions { Seed = 1 });

    [Theory]
    [InlineData(ModelFamily.SharedTrunk)]
    [InlineData(ModelFamily.TaskSpecific)]
    [InlineData(ModelFamily.Hybrid)]
    [InlineData(ModelFamily.Mmoe)]
    [InlineData(ModelFamily.Cgc)]
    [InlineData(ModelFamily.CrossStitch)]
    public void Fit_EachFamily_LearnsBothTasks(ModelFamily family)
    {
        using var model = Train(family, new TrainerOptions { Epochs = 25, LearningRate = 0.05, Seed = 1 }.Deterministic());
        var report = model.Evaluate(Split.Test);
        Assert.True(report["pass"][MetricKind.Accuracy] > 0.85, report.ToString());
        Assert.True(report["score"][MetricKind.RSquared] > 0.8, report.ToString());
    }

    [Theory]
    [InlineData(GradientDescentMode.Stochastic)]
    [InlineData(GradientDescentMode.FullBatch)]
    public void Fit_StochasticAndFullBatch_Learn(GradientDescentMode mode)
    {
        var options = new TrainerOptions { Epochs = mode == GradientDescentMode.Stochastic ? 3 : 150, Mode = mode, LearningRate = mode == GradientDescentMode.Stochastic ? 0.005 : 0.1, Seed = 2 }.Deterministic();
        using var model = Train(ModelFamily.SharedTrunk, options);
        Assert.True(model.Evaluate(Split.Test)["score"][MetricKind.RSquared] > 0.7);
        var stepsPerEpoch = mode == GradientDescentMode.Stochastic ? Split.Train.Count : 1;
        Assert.Equal(stepsPerEpoch * options.Epochs, model.TrainingHistory!.Epochs[^1].Steps);
    }

    [Theory]
    [InlineData(OptimizerKind.Adam, LearningRateSchedule.Cosine)]
    [InlineData(OptimizerKind.AdamW, LearningRateSchedule.Step)]
    [InlineData(OptimizerKind.Sgd, LearningRateSchedule.Step)]
    public void Fit_OptimizersAndSchedules_Learn(OptimizerKind optimizer, LearningRateSchedule schedule)
    {
        var options = new TrainerOptions
        {
            Epochs = 20,
            Optimizer = optimizer,
            LearningRate = optimizer == OptimizerKind.Sgd ? 0.05 : 0.01,
            Nesterov = optimizer == OptimizerKind.Sgd,
            WeightDecay = 1e-4,
            Schedule = schedule,
            StepSize = 10,
            StepGamma = 0.5,
            GradientClipNorm = 5,
            Seed = 3,
        }.Deterministic();
        using var model = Train(ModelFamily.SharedTrunk, options);
        Assert.True(model.Evaluate(Split.Test)["score"][MetricKind.RSquared] > 0.8);
        var rates = model.TrainingHistory!.Epochs.Select(e => e.LearningRate).ToArray();
        Assert.True(rates[^1] < rates[0]);
    }

    [Fact]
    public void Fit_SameSeed_GivesIdenticalModels()
    {
        var options = new TrainerOptions { Epochs = 5, Seed = 11 }.Deterministic();
        using var first = Train(ModelFamily.Hybrid, options, dropout: 0.2);
        using var second = Train(ModelFamily.Hybrid, options, dropout: 0.2);
        // Same seed, same data: the same model, up to the float rounding that libtorch's kernels may show for differently
        // aligned buffers within one process (separate runs of the samples reproduce their numbers exactly).
        Approx.Equal(
            first.Predict(Split.Test)["score"].Scores.Select(v => (double)v).ToArray(),
            second.Predict(Split.Test)["score"].Scores.Select(v => (double)v).ToArray(),
            1e-5);
    }

    [Fact]
    public void Fit_ReportsProgressOncePerEpoch()
    {
        var reports = new List<TrainingProgress>();
        using var model = Train(ModelFamily.SharedTrunk, new TrainerOptions { Epochs = 4 }.Deterministic(), progress: new ListProgress(reports));
        Assert.Equal([1, 2, 3, 4], reports.Select(r => r.Epoch));
        Assert.All(reports, r => Assert.NotNull(r.ValidationMetrics));
        Assert.All(reports, r => Assert.Equal(["pass", "score"], r.TaskTrainingLosses.Keys.Order()));
    }

    [Fact]
    public void Fit_CancelledToken_ThrowsOperationCanceled()
    {
        using var source = new CancellationTokenSource();
        var reports = new ListProgress([], _ => source.Cancel());
        Assert.ThrowsAny<OperationCanceledException>(() =>
            Train(ModelFamily.SharedTrunk, new TrainerOptions { Epochs = 50 }.Deterministic(), progress: reports, cancellationToken: source.Token));
    }

    [Fact]
    public void Fit_EarlyStopping_StopsAndRestoresBestEpoch()
    {
        var options = new TrainerOptions
        {
            Epochs = 300,
            Optimizer = OptimizerKind.Adam,
            LearningRate = 0.05,
            Seed = 5,
            EarlyStopping = new EarlyStoppingOptions { Patience = 3, Monitor = MonitoredMetric.ForTask("score", MetricKind.MeanSquaredError) },
        }.Deterministic();
        using var model = Train(ModelFamily.SharedTrunk, options);
        var history = model.TrainingHistory!;
        Assert.True(history.StoppedEarly);
        Assert.Equal(history.BestEpoch + 3, history.Epochs.Count);
        var best = history.Epochs[history.BestEpoch - 1].ValidationMetrics!["score"][MetricKind.MeanSquaredError];
        Assert.Equal(history.Epochs.Min(e => e.ValidationMetrics!["score"][MetricKind.MeanSquaredError]), best);
        Assert.Equal(best, model.Evaluate(Split.Validation)["score"][MetricKind.MeanSquaredError], 4);
    }

    [Fact]
    public void Fit_Checkpoints_WritesLoadableFiles()
    {
        var folder = Directory.CreateTempSubdirectory("mtl-checkpoints-").FullName;
        try
        {
            using var model = Train(ModelFamily.SharedTrunk, new TrainerOptions { Epochs = 4, Checkpoints = new CheckpointOptions(folder) { EveryEpochs = 2 } }.Deterministic());
            Assert.Equal(["best.mtl", "epoch-0002.mtl", "epoch-0004.mtl", "last.mtl"], Directory.GetFiles(folder).Select(Path.GetFileName).Order());
            using var last = MultitaskModel.Load(Path.Combine(folder, "last.mtl"));
            Approx.Equal(
                model.Predict(Split.Test)["score"].Scores.Select(v => (double)v).ToArray(),
                last.Predict(Split.Test)["score"].Scores.Select(v => (double)v).ToArray(),
                1e-5);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Fit_DivergingLoss_NamesTaskEpochAndStep()
    {
        var options = new TrainerOptions { Epochs = 5, LearningRate = 1e6, StandardizeRegressionTargets = false, GradientClipNorm = null }.Deterministic();
        var error = Assert.Throws<TrainingDivergedException>(() => Train(ModelFamily.SharedTrunk, options));
        Assert.Matches(@"task '(score|pass)' has loss (NaN|∞|-?Infinity|-∞) at epoch \d+, step \d+", error.Message);
        Assert.NotNull(error.TaskName);
    }

    [Fact]
    public void Fit_PCGradAndUncertaintyWeighting_Learn()
    {
        var options = new TrainerOptions { Epochs = 25, Optimizer = OptimizerKind.Adam, LearningRate = 0.01, Seed = 6, GradientAggregator = new PCGrad(), LossWeighting = new UncertaintyWeighting() }.Deterministic();
        using var model = Train(ModelFamily.Hybrid, options);
        var report = model.Evaluate(Split.Test);
        Assert.True(report["score"][MetricKind.RSquared] > 0.8, report.ToString());
        Assert.True(report["pass"][MetricKind.Accuracy] > 0.85, report.ToString());
        Assert.NotEqual(1.0, model.TrainingHistory!.Epochs[^1].TaskWeights["score"]);
    }

    [Fact]
    public void Fit_AggregatorOnTaskSpecificModel_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => Train(ModelFamily.TaskSpecific, new TrainerOptions { Epochs = 1, GradientAggregator = new PCGrad() }.Deterministic()));
        Assert.Contains("task-specific model has none", error.Message);
    }

    [Fact]
    public void Options_SeveralProblems_AreReportedTogether()
    {
        var error = Assert.Throws<ArgumentException>(() => new MultitaskTrainer(new TrainerOptions { Epochs = 0, LearningRate = -1, Momentum = 1 }.Deterministic()));
        Assert.Contains("Epochs must be >= 1. Got 0 instead.", error.Message);
        Assert.Contains("LearningRate must be finite and > 0. Got -1 instead.", error.Message);
        Assert.Contains("Momentum must be in [0, 1). Got 1 instead.", error.Message);
    }

    [Fact]
    public void Fit_EarlyStoppingWithoutValidation_Throws()
    {
        var definition = MultitaskModelBuilder.FromDataset(Split.Train).Build();
        var trainer = new MultitaskTrainer(new TrainerOptions { EarlyStopping = new EarlyStoppingOptions() }.Deterministic());
        var error = Assert.Throws<ArgumentException>(() => trainer.Fit(definition, Split.Train));
        Assert.Contains("Early stopping needs validation data", error.Message);
    }

    [Fact]
    public void Fit_DataOfAnotherModel_ExplainsMismatch()
    {
        var definition = MultitaskModelBuilder.FromDataset(SyntheticData.Argmax()).Build();
        var error = Assert.Throws<ArgumentException>(() => new MultitaskTrainer().Fit(definition, Split.Train));
        Assert.Contains("task 'score' is not a task of the model (argmax)", error.Message);
        Assert.Contains("input 'features' has samples of shape [5] but the model expects [4]", error.Message);
    }

    private static MultitaskModel Train(
        ModelFamily family,
        TrainerOptions options,
        double dropout = 0,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var definition = MultitaskModelBuilder.FromDataset(Split.Train)
            .UseFamily(family, new ArchitectureOptions { TrunkLayers = [16, 8], TowerLayers = [8], Dropout = dropout })
            .Build();
        return new MultitaskTrainer(options).Fit(definition, Split.Train, Split.Validation, progress, cancellationToken);
    }

    private sealed class ListProgress(List<TrainingProgress> reports, Action<TrainingProgress>? onReport = null) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            reports.Add(value);
            onReport?.Invoke(value);
        }
    }
}
