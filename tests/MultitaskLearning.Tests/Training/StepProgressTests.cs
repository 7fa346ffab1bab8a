using MultitaskLearning.Data;
using MultitaskLearning.Models;
using MultitaskLearning.TestUtilities;
using MultitaskLearning.Training;
using Xunit;

namespace MultitaskLearning.Tests.Training;

/// <summary><see cref="TrainerOptions.StepProgress"/>: reports within epochs on both engines, and training that computes
/// the same with and without them. No test depends on the clock: with <see cref="TrainerOptions.StepProgressInterval"/>
/// zero every step is reported, and with the default only what holds however fast the steps are is checked.</summary>
public sealed class StepProgressTests
{
    private static readonly DatasetSplit Split = DatasetSplitter.Split(FusedEngineTests.MixedTasks(160, seed: 3), new SplitOptions { TrainFraction = 0.8, ValidationFraction = 0.2, Seed = 2 });

    [Fact]
    public void Autograd_ReportsEveryStepInOrder() => ReportsEveryStepInOrder(TrainingEngine.Autograd);

    [FactRequiresAvx2]
    public void Fused_ReportsEveryStepInOrder() => ReportsEveryStepInOrder(TrainingEngine.Fused);

    [Fact]
    public void Autograd_TrainsTheSameModelWithAndWithoutStepProgress() => TrainsTheSameModelWithAndWithoutStepProgress(TrainingEngine.Autograd);

    [FactRequiresAvx2]
    public void Fused_TrainsTheSameModelWithAndWithoutStepProgress() => TrainsTheSameModelWithAndWithoutStepProgress(TrainingEngine.Fused);

    [Fact]
    public void DefaultInterval_AlwaysReportsTheLastStepOfEachEpoch()
    {
        var reports = new List<object>();
        var options = Options(TrainingEngine.Automatic);
        options.StepProgress = new Collector<TrainingStepProgress>(reports);
        using var model = new MultitaskTrainer(options).Fit(Definition(), Split.Train, Split.Validation, new Collector<TrainingProgress>(reports));

        var steps = reports.OfType<TrainingStepProgress>().ToArray();
        Assert.All(steps.Zip(steps.Skip(1)), pair => Assert.True(pair.Second.Steps > pair.First.Steps));
        var lastSteps = steps.Where(s => s.Step == s.StepsPerEpoch).ToArray();
        Assert.Equal(Enumerable.Range(1, options.Epochs), lastSteps.Select(s => s.Epoch));
        Assert.Equal(lastSteps[^1].PlannedSteps, lastSteps[^1].Steps);
        Assert.Equal(model.TrainingHistory!.Epochs.Select(e => e.TrainingLoss), lastSteps.Select(s => s.TrainingLoss));
    }

    [Fact]
    public void ResumedRun_ContinuesTheStepCount()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"mtl-step-progress-{Guid.NewGuid():N}");
        try
        {
            var interrupted = Options(TrainingEngine.Automatic);
            interrupted.Checkpoints = new CheckpointOptions(folder) { EveryEpochs = 1 };
            using (var stop = new CancellationTokenSource())
            {
                var stopper = new Collector<TrainingProgress>([], report => { if (report.Epoch == 2) { stop.Cancel(); } });
                Assert.Throws<OperationCanceledException>(() => new MultitaskTrainer(interrupted).Fit(Definition(), Split.Train, Split.Validation, stopper, stop.Token).Dispose());
            }

            var reports = new List<object>();
            var resumed = Options(TrainingEngine.Automatic);
            resumed.Checkpoints = new CheckpointOptions(folder) { EveryEpochs = 1 };
            resumed.ResumeFrom = folder;
            resumed.StepProgress = new Collector<TrainingStepProgress>(reports);
            resumed.StepProgressInterval = TimeSpan.Zero;
            using var model = new MultitaskTrainer(resumed).Fit(Definition(), Split.Train, Split.Validation);

            var steps = reports.Cast<TrainingStepProgress>().ToArray();
            var perEpoch = steps[0].StepsPerEpoch;
            Assert.Equal((3, 1, 2L * perEpoch + 1), (steps[0].Epoch, steps[0].Step, steps[0].Steps));
            Assert.Equal(Enumerable.Range(2 * perEpoch + 1, (resumed.Epochs - 2) * perEpoch).Select(s => (long)s), steps.Select(s => s.Steps));
            Assert.Equal(steps[^1].PlannedSteps, steps[^1].Steps);
            Assert.True(steps[0].Elapsed >= model.TrainingHistory!.Epochs[1].Elapsed, "Elapsed counts the time before the checkpoint.");
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [Fact]
    public void NegativeInterval_IsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => new MultitaskTrainer(new TrainerOptions { StepProgressInterval = TimeSpan.FromMilliseconds(-1) }));
        Assert.Contains(nameof(TrainerOptions.StepProgressInterval), error.Message, StringComparison.Ordinal);
    }

    private static void ReportsEveryStepInOrder(TrainingEngine engine)
    {
        var reports = new List<object>();
        var options = Options(engine);
        options.StepProgress = new Collector<TrainingStepProgress>(reports);
        options.StepProgressInterval = TimeSpan.Zero;
        using var model = new MultitaskTrainer(options).Fit(Definition(), Split.Train, Split.Validation, new Collector<TrainingProgress>(reports));
        Assert.Equal(engine, model.TrainingHistory!.Engine);

        var steps = reports.OfType<TrainingStepProgress>().ToArray();
        var perEpoch = steps[0].StepsPerEpoch;
        Assert.True(perEpoch > 1, "The test needs several steps per epoch.");
        Assert.Equal(Enumerable.Range(1, options.Epochs * perEpoch).Select(s => (long)s), steps.Select(s => s.Steps));
        Assert.All(steps, s =>
        {
            Assert.Equal((options.Epochs, perEpoch, (long)options.Epochs * perEpoch), (s.Epochs, s.StepsPerEpoch, s.PlannedSteps));
            Assert.Equal((s.Epoch - 1L) * perEpoch + s.Step, s.Steps);
            Assert.True(double.IsFinite(s.TrainingLoss) && s.TrainingLoss > 0);
        });
        Assert.All(steps.Zip(steps.Skip(1)), pair => Assert.True(pair.Second.Elapsed >= pair.First.Elapsed));
        Assert.Equal(model.TrainingHistory.Epochs[^1].Steps, steps[^1].Steps);

        // Each epoch: its steps, then its epoch report, whose training loss is the last step's running mean.
        var epochs = model.TrainingHistory.Epochs;
        var expected = epochs.SelectMany(e => Enumerable.Range(1, perEpoch).Select(s => $"step {e.Epoch}.{s}").Append($"epoch {e.Epoch}"));
        Assert.Equal(expected, reports.Select(r => r is TrainingStepProgress s ? $"step {s.Epoch}.{s.Step}" : $"epoch {((TrainingProgress)r).Epoch}"));
        Assert.Equal(epochs.Select(e => e.TrainingLoss), steps.Where(s => s.Step == perEpoch).Select(s => s.TrainingLoss));
    }

    private static void TrainsTheSameModelWithAndWithoutStepProgress(TrainingEngine engine)
    {
        using var without = new MultitaskTrainer(Options(engine)).Fit(Definition(), Split.Train, Split.Validation);
        var options = Options(engine);
        var reports = new List<object>();
        options.StepProgress = new Collector<TrainingStepProgress>(reports);
        options.StepProgressInterval = TimeSpan.Zero;
        using var with = new MultitaskTrainer(options).Fit(Definition(), Split.Train, Split.Validation);

        Assert.Equal(engine, with.TrainingHistory!.Engine);
        Assert.NotEmpty(reports);
        Assert.Equal(Bits(without), Bits(with));
        Assert.Equal(
            without.TrainingHistory!.Epochs.Select(e => (e.TrainingLoss, e.ValidationLoss)),
            with.TrainingHistory.Epochs.Select(e => (e.TrainingLoss, e.ValidationLoss)));
    }

    private static TrainerOptions Options(TrainingEngine engine) =>
        new TrainerOptions { Epochs = 3, BatchSize = 16, LearningRate = 0.05, Seed = 7, Engine = engine }.Deterministic();

    private static MultitaskModelDefinition Definition() =>
        MultitaskModelBuilder.FromDataset(Split.Train, i => i with { EncoderLayers = [12] })
            .UseFamily(ModelFamily.SharedTrunk, new ArchitectureOptions { TrunkLayers = [10] }).Build();

    private static int[] Bits(MultitaskModel model) =>
        model.Network.parameters().SelectMany(p => p.data<float>().ToArray()).Select(BitConverter.SingleToInt32Bits).ToArray();

    /// <summary>Collects reports on the training thread (<see cref="Progress{T}"/> would post them to the thread pool).</summary>
    private sealed class Collector<T>(List<object> reports, Action<T>? onReport = null) : IProgress<T>
        where T : notnull
    {
        public void Report(T value)
        {
            reports.Add(value);
            onReport?.Invoke(value);
        }
    }
}
