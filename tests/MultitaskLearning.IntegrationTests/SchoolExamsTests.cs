using System.Diagnostics;
using MultitaskLearning.Data;
using MultitaskLearning.Evaluation;
using MultitaskLearning.Models;
using MultitaskLearning.Tasks;
using MultitaskLearning.TestUtilities;
using MultitaskLearning.Training;
using Xunit;
using Xunit.Abstractions;

namespace MultitaskLearning.IntegrationTests;

/// <summary>User stories on a slice of the real School data (30 schools = 30 regression tasks).</summary>
public sealed class SchoolExamsTests(ITestOutputHelper output)
{
    private static readonly MultitaskDataset Slice = SchoolSlice.Load(30);

    /// <summary>As an analyst I train one model over many schools, compare it with per-school models, save it and
    /// serve predictions from the saved file.</summary>
    [Fact]
    public void TrainCompareSaveServe_OnSchoolSlice()
    {
        var split = DatasetSplitter.Split(Slice, new SplitOptions { TrainFraction = 0.7, ValidationFraction = 0.1, Seed = 0 });
        var options = new TrainerOptions { Epochs = 60, Optimizer = OptimizerKind.Adam, LearningRate = 0.001, BatchSize = 64, Seed = 0, EarlyStopping = new EarlyStoppingOptions { Patience = 8 } };
        MultitaskModel Fit(ModelFamily family) => new MultitaskTrainer(options).Fit(
            MultitaskModelBuilder.FromDataset(split.Train).UseFamily(family, new ArchitectureOptions { TrunkLayers = [32, 16] }).Build(),
            split.Train,
            split.Validation);

        using var shared = Fit(ModelFamily.SharedTrunk);
        using var single = Fit(ModelFamily.TaskSpecific);
        var sharedEv = PooledExplainedVariance(shared.Predict(split.Test));
        var singleEv = PooledExplainedVariance(single.Predict(split.Test));
        var comparison = ModelComparison.Compare(shared.Evaluate(split.Test), single.Evaluate(split.Test), [MetricKind.MeanSquaredError]);
        output.WriteLine($"pooled explained variance: shared-trunk {sharedEv:F4}, task-specific {singleEv:F4}; Δm (MSE) {comparison.MeanRelativeGain:P1}");

        // Honest floors well below what the models reach here (~0.3): both must have learned real structure.
        Assert.True(sharedEv > 0.15, $"shared-trunk explained variance {sharedEv}");
        Assert.True(singleEv > 0.1, $"task-specific explained variance {singleEv}");
        Assert.Equal(30, comparison.Metrics.Count);

        var path = Path.Combine(Path.GetTempPath(), $"school-{Guid.NewGuid():N}.mtl");
        try
        {
            shared.Save(path);
            using var loaded = MultitaskModel.Load(path);
            using var predictor = loaded.CreatePredictor();
            var outputs = loaded.Predict(split.Test)["school-3"];
            var row = outputs.Rows[0];
            var served = predictor.Predict(split.Test.Inputs["features"].GetSample(row).ToArray())["school-3"].Values![0];
            Assert.Equal(outputs.Scores[0], served, 3);
            Assert.Equal(sharedEv, PooledExplainedVariance(loaded.Predict(split.Test)), 4);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>As an operator I train for many epochs and memory stays flat: the live tensor count is the same after
    /// every epoch, and the process's resident memory stops growing after the first epochs.</summary>
    [Fact]
    [Trait("Category", "Slow")]
    public void Training_KeepsMemoryFlatAcrossEpochs()
    {
        const int epochs = 40;
        var liveTensors = new List<long>();
        var residentMb = new List<double>();
        var progress = new SynchronousProgress(_ =>
        {
            liveTensors.Add(LiveTensors.Count);
            using var process = Process.GetCurrentProcess();
            residentMb.Add(process.WorkingSet64 / 1048576.0);
        });
        var definition = MultitaskModelBuilder.FromDataset(Slice).UseFamily(ModelFamily.Hybrid, new ArchitectureOptions { TrunkLayers = [32] }).Build();
        var split = DatasetSplitter.Split(Slice, new SplitOptions { Seed = 1 });
        using var model = new MultitaskTrainer(new TrainerOptions { Epochs = epochs, BatchSize = 32, Seed = 1 }).Fit(definition, split.Train, split.Validation, progress);

        output.WriteLine($"live tensors per epoch: {string.Join(", ", liveTensors.Distinct())}");
        output.WriteLine($"RSS MB at epochs 1, 10, 20, 40: {residentMb[0]:F1}, {residentMb[9]:F1}, {residentMb[19]:F1}, {residentMb[^1]:F1}");
        Assert.Single(liveTensors.Distinct());
        var slope = (residentMb[^1] - residentMb[9]) / (epochs - 10);
        output.WriteLine($"RSS slope after epoch 10: {slope:F3} MB/epoch");
        Assert.True(slope < 0.5, $"resident memory grows {slope:F3} MB per epoch after epoch 10");
    }

    private static double PooledExplainedVariance(IReadOnlyDictionary<string, TaskOutputs> outputs) =>
        RegressionMetrics.RSquared(
            outputs.Values.SelectMany(o => o.Targets.Select(v => (double)v)).ToArray(),
            outputs.Values.SelectMany(o => o.Scores.Select(v => (double)v)).ToArray());

    private sealed class SynchronousProgress(Action<TrainingProgress> handler) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => handler(value);
    }
}
