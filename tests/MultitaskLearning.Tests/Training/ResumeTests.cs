using Microsoft.Extensions.Logging;
using MultitaskLearning.Data;
using MultitaskLearning.Models;
using MultitaskLearning.TestUtilities;
using MultitaskLearning.Training;
using MultitaskLearning.Training.Aggregation;
using MultitaskLearning.Training.Weighting;
using Xunit;

namespace MultitaskLearning.Tests.Training;

/// <summary>Resuming in-process (a run stopped by cancellation after a checkpoint), the checks a resume makes, durable
/// checkpoint files and the trainer's log. The kill -9 version runs in KillAndResumeTests (integration tests).</summary>
public sealed class ResumeTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"mtl-resume-unit-{Guid.NewGuid():N}");

    public ResumeTests() => Directory.CreateDirectory(folder);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    public static TheoryData<string> Configurations() => ["autograd-famo-rlw-proportional", "autograd-uncertainty-pcgrad-relationships", "autograd-adamw-early-stopping", "sgd-round-robin-mgda", "fused-adamw-step-schedule", "two-inputs-adam-proportional"];

    [Theory]
    [MemberData(nameof(Configurations))]
    public void StoppedRun_Resumed_EqualsUninterruptedRun(string configuration)
    {
        var split = configuration.StartsWith("two-inputs", StringComparison.Ordinal) ? TwoInputs() : Data();
        var definition = Definition(split.Train);
        using var reference = new MultitaskTrainer(Options(configuration)).Fit(definition, split.Train, split.Validation);

        var checkpoints = Path.Combine(folder, "run");
        var interrupted = Options(configuration);
        interrupted.Checkpoints = new CheckpointOptions(checkpoints) { EveryEpochs = 1 };
        using (var stop = new CancellationTokenSource())
        {
            var progress = new Stopper(report => report.Epoch == 2, stop);
            Assert.Throws<OperationCanceledException>(() => new MultitaskTrainer(interrupted).Fit(definition, split.Train, split.Validation, progress, stop.Token).Dispose());
        }

        var resumed = Options(configuration);
        resumed.Checkpoints = new CheckpointOptions(checkpoints) { EveryEpochs = 1 };
        resumed.ResumeFrom = checkpoints;
        using var model = new MultitaskTrainer(resumed).Fit(definition, split.Train, split.Validation);
        Assert.EndsWith("epoch-0002.mtl", model.TrainingHistory!.ResumedFrom, StringComparison.Ordinal);
        Assert.Equal(Flatten(reference), Flatten(model));
        Assert.Equal(reference.TrainingHistory!.Epochs.Select(e => (e.TrainingLoss, e.ValidationLoss, e.Steps, e.LearningRate, e.IsBest)), model.TrainingHistory.Epochs.Select(e => (e.TrainingLoss, e.ValidationLoss, e.Steps, e.LearningRate, e.IsBest)));
        Assert.Equal(reference.TrainingHistory.BestEpoch, model.TrainingHistory.BestEpoch);
        Assert.Equal(reference.TrainingHistory.StoppedEarly, model.TrainingHistory.StoppedEarly);
        if (reference.TrainingHistory.TaskRelationships is { } relationships)
        {
            Assert.Equal(relationships.MeanCosine.Cast<double>(), model.TrainingHistory.TaskRelationships!.MeanCosine.Cast<double>());
        }
    }

    [Fact]
    public void ResumeFrom_FolderNotCreatedYet_StartsANewRun()
    {
        var split = Data();
        var options = Options("sgd-round-robin-mgda");
        var checkpoints = Path.Combine(folder, "not-yet");
        options.Checkpoints = new CheckpointOptions(checkpoints) { EveryEpochs = 1 };
        options.ResumeFrom = checkpoints;
        using var model = new MultitaskTrainer(options).Fit(Definition(split.Train), split.Train, split.Validation);
        Assert.Null(model.TrainingHistory!.ResumedFrom);
        Assert.NotEmpty(Directory.GetFiles(checkpoints, "epoch-*.mtl"));
    }

    [Fact]
    public void NewRun_InAFolderWithCheckpointsOfAnotherRun_IsRefused()
    {
        var split = Data();
        var options = Options("sgd-round-robin-mgda");
        options.Epochs = 1;
        options.Checkpoints = new CheckpointOptions(folder) { EveryEpochs = 1 };
        new MultitaskTrainer(options).Fit(Definition(split.Train), split.Train).Dispose();
        var error = Assert.Throws<ArgumentException>(() => new MultitaskTrainer(options).Fit(Definition(split.Train), split.Train).Dispose());
        Assert.Contains("epoch-0001.mtl", error.Message, StringComparison.Ordinal);
        Assert.Contains("ResumeFrom", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("definition", "definition")]
    [InlineData("data", "training data")]
    [InlineData("weights", "LossWeighting")]
    public void ResumeFrom_AnotherDefinitionDataOrWeighting_IsRefused(string change, string named)
    {
        var split = Data();
        var options = Options("sgd-round-robin-mgda");
        options.Epochs = 2;
        options.Checkpoints = new CheckpointOptions(folder) { EveryEpochs = 1 };
        new MultitaskTrainer(options).Fit(Definition(split.Train), split.Train).Dispose();

        var resumed = Options("sgd-round-robin-mgda");
        resumed.Epochs = 2;
        resumed.ResumeFrom = Path.Combine(folder, "epoch-0001.mtl");
        if (change == "weights")
        {
            resumed.LossWeighting = new FixedWeighting(new Dictionary<string, double> { ["kind"] = 2 });
        }

        var train = change == "data" ? Data(seed: 13).Train : split.Train;
        var definition = change == "definition"
            ? MultitaskModelBuilder.FromDataset(train, i => i with { EncoderLayers = [8] }).UseFamily(ModelFamily.SharedTrunk, new ArchitectureOptions { TrunkLayers = [16, 4] }).Build()
            : Definition(train);
        var error = Assert.Throws<ArgumentException>(() => new MultitaskTrainer(resumed).Fit(definition, train).Dispose());
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResumeFrom_EmptyFolder_StartsANewRun()
    {
        var split = Data();
        var options = Options("sgd-round-robin-mgda");
        options.ResumeFrom = folder;
        using var model = new MultitaskTrainer(options).Fit(Definition(split.Train), split.Train, split.Validation);
        Assert.Null(model.TrainingHistory!.ResumedFrom);
        Assert.Equal(options.Epochs, model.TrainingHistory.Epochs.Count);
    }

    [Fact]
    public void ResumeFrom_OtherOptions_IsRefusedNamingTheDifferences()
    {
        var split = Data();
        var definition = Definition(split.Train);
        var first = Options("sgd-round-robin-mgda");
        first.Epochs = 2;
        first.Checkpoints = new CheckpointOptions(folder) { EveryEpochs = 1 };
        new MultitaskTrainer(first).Fit(definition, split.Train, split.Validation).Dispose();

        var second = Options("sgd-round-robin-mgda");
        second.Epochs = 2;
        second.LearningRate = 0.5;
        second.ResumeFrom = folder;
        var error = Assert.Throws<ArgumentException>(() => new MultitaskTrainer(second).Fit(definition, split.Train, split.Validation).Dispose());
        Assert.Contains("LearningRate", error.Message, StringComparison.Ordinal);
        Assert.Contains("epoch-0002.mtl", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResumeFrom_PlainModelFile_IsRefusedAsNoCheckpoint()
    {
        var split = Data();
        var definition = Definition(split.Train);
        var options = Options("sgd-round-robin-mgda");
        using (var model = new MultitaskTrainer(options).Fit(definition, split.Train))
        {
            model.Save(Path.Combine(folder, "plain.mtl"));
        }

        options.ResumeFrom = Path.Combine(folder, "plain.mtl");
        var error = Assert.Throws<InvalidDataException>(() => new MultitaskTrainer(options).Fit(definition, split.Train).Dispose());
        Assert.Contains("plain.mtl", error.Message, StringComparison.Ordinal);
        Assert.Contains("not a resumable checkpoint", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResumeFrom_MissingPath_NamesIt()
    {
        var options = Options("sgd-round-robin-mgda");
        options.ResumeFrom = Path.Combine(folder, "nowhere", "epoch-0001.mtl");
        var split = Data();
        var error = Assert.Throws<FileNotFoundException>(() => new MultitaskTrainer(options).Fit(Definition(split.Train), split.Train).Dispose());
        Assert.Contains("nowhere", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Checkpoints_KeepTheNewest_AndCleanUpTemporariesOfKilledSaves()
    {
        var split = Data();
        var stale = Path.Combine(folder, $".epoch-0003.mtl.{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(stale, [1, 2, 3]); // what a save killed halfway leaves behind
        var options = Options("sgd-round-robin-mgda");
        options.Epochs = 5;
        options.Checkpoints = new CheckpointOptions(folder) { EveryEpochs = 1, Keep = 2 };
        using var model = new MultitaskTrainer(options).Fit(Definition(split.Train), split.Train, split.Validation);
        Assert.Equal(["epoch-0004.mtl", "epoch-0005.mtl"], Directory.GetFiles(folder, "epoch-*.mtl").Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Empty(Directory.GetFiles(folder, "*.tmp"));
        using var loaded = MultitaskModel.Load(Path.Combine(folder, "epoch-0005.mtl"));
        Assert.Equal(Flatten(model), Flatten(loaded)); // a checkpoint is also a model file
    }

    [Fact]
    public void Logger_ReceivesEngineCheckpointsAndResumePoint()
    {
        var split = Data();
        var definition = Definition(split.Train);
        var messages = new ListLogger();
        var options = Options("sgd-round-robin-mgda");
        options.Epochs = 2;
        options.Engine = TrainingEngine.Automatic;
        options.GradientAggregator = null;
        options.LossWeighting = new GradNorm();
        options.Logger = messages;
        options.Checkpoints = new CheckpointOptions(folder) { EveryEpochs = 1 };
        new MultitaskTrainer(options).Fit(definition, split.Train, split.Validation).Dispose();
        Assert.Contains(messages.Lines, l => l.StartsWith("Training engine: autograd (the fused engine does not apply: loss weighting 'GradNorm'", StringComparison.Ordinal));
        Assert.Contains(messages.Lines, l => l.StartsWith("Checkpoint written: ", StringComparison.Ordinal) && l.Contains("epoch-0002.mtl", StringComparison.Ordinal));

        options.Epochs = 2;
        options.ResumeFrom = Path.Combine(folder, "epoch-0001.mtl");
        options.Checkpoints = null;
        new MultitaskTrainer(options).Fit(definition, split.Train, split.Validation).Dispose();
        Assert.Contains(messages.Lines, l => l.StartsWith("Resumed from ", StringComparison.Ordinal) && l.Contains("epoch 1 done", StringComparison.Ordinal));
    }

    private static TrainerOptions Options(string configuration)
    {
        var options = new TrainerOptions { Epochs = 4, BatchSize = 16, LearningRate = 0.02, Seed = 3, Engine = TrainingEngine.Autograd }.Deterministic();
        switch (configuration)
        {
            case "autograd-famo-rlw-proportional":
                options.LossWeighting = new Famo();
                options.TaskSampling = TaskSampling.Proportional;
                break;
            case "autograd-uncertainty-pcgrad-relationships":
                options.LossWeighting = new UncertaintyWeighting();
                options.GradientAggregator = new PCGrad();
                options.RecordTaskRelationships = true;
                options.RecordTaskAffinity = true;
                break;
            case "autograd-adamw-early-stopping":
                options.Optimizer = OptimizerKind.AdamW;
                options.WeightDecay = 0.01;
                options.LossWeighting = new RandomLossWeighting(seed: 4);
                options.EarlyStopping = new EarlyStoppingOptions { Patience = 1, RestoreBest = true };
                options.Epochs = 8;
                break;
            case "two-inputs-adam-proportional":
                // Steps that sample one input leave the other input's encoder with a zeroed (not missing) gradient,
                // which Adam still applies; a resumed run must recreate those gradients.
                options.Optimizer = OptimizerKind.Adam;
                options.TaskSampling = TaskSampling.Proportional;
                break;
            case "sgd-round-robin-mgda":
                options.Engine = CpuFeatures.HasAvx2AndFma ? TrainingEngine.Fused : TrainingEngine.Autograd;
                options.TaskSampling = TaskSampling.RoundRobin;
                options.GradientAggregator = new Mgda(MgdaNormalization.LossPlus);
                options.Schedule = LearningRateSchedule.Cosine;
                break;
            case "fused-adamw-step-schedule":
                // The fused engine's Adam moments and step count go into the checkpoint and come back.
                options.Engine = CpuFeatures.HasAvx2AndFma ? TrainingEngine.Fused : TrainingEngine.Autograd;
                options.Optimizer = OptimizerKind.AdamW;
                options.LearningRate = 0.005;
                options.WeightDecay = 0.01;
                options.Schedule = LearningRateSchedule.Step;
                options.StepSize = 1;
                break;
            default:
                throw new ArgumentException(configuration);
        }

        return options;
    }

    private static DatasetSplit Data(int seed = 12) =>
        DatasetSplitter.Split(FusedEngineTests.MixedTasks(200, seed), new SplitOptions { TrainFraction = 0.8, ValidationFraction = 0.2, Seed = 4 });

    private static DatasetSplit TwoInputs()
    {
        var random = new Random(8);
        var x = new float[120, 3];
        var sign = new int?[120];
        for (var i = 0; i < 120; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                x[i, j] = (float)((random.NextDouble() * 2) - 1);
            }

            sign[i] = x[i, 0] + x[i, 1] > 0 ? 1 : 0;
        }

        var other = new MultitaskDatasetBuilder([MultitaskLearning.Tasks.TaskDefinition.Multiclass("sign", 2)])
            .AddSamples("other", x, new Dictionary<string, LabelColumn> { ["sign"] = LabelColumn.FromClassIndices(sign) })
            .Build();
        return DatasetSplitter.Split(MultitaskDataset.Merge(FusedEngineTests.MixedTasks(200, seed: 12), other), new SplitOptions { TrainFraction = 0.8, ValidationFraction = 0.2, Seed = 4 });
    }

    private static MultitaskModelDefinition Definition(MultitaskDataset train) =>
        MultitaskModelBuilder.FromDataset(train, i => i with { EncoderLayers = [8] }).UseFamily(ModelFamily.SharedTrunk, new ArchitectureOptions { TrunkLayers = [16, 8] }).Build();

    private static float[] Flatten(MultitaskModel model) => model.Network.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();

    /// <summary>Cancels the run when a report matches (other tests stop runs with it too).</summary>
    internal sealed class Stopper(Func<TrainingProgress, bool> when, CancellationTokenSource stop) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            if (when(value))
            {
                stop.Cancel();
            }
        }
    }

    private sealed class ListLogger : ILogger
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add(formatter(state, exception));
    }
}
