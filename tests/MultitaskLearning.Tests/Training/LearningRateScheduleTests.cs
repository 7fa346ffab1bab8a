using MultitaskLearning.Models;
using MultitaskLearning.TestUtilities;
using MultitaskLearning.Training;
using Xunit;

namespace MultitaskLearning.Tests.Training;

/// <summary>The schedule is computed in one place and both engines train with it.</summary>
public sealed class LearningRateScheduleTests
{
    [Theory]
    [InlineData(LearningRateSchedule.Constant, 0, 0.1)]
    [InlineData(LearningRateSchedule.Constant, 7, 0.1)]
    [InlineData(LearningRateSchedule.Step, 0, 0.1)]
    [InlineData(LearningRateSchedule.Step, 2, 0.1)]
    [InlineData(LearningRateSchedule.Step, 3, 0.05)]
    [InlineData(LearningRateSchedule.Step, 7, 0.025)]
    [InlineData(LearningRateSchedule.Cosine, 0, 0.1)]
    [InlineData(LearningRateSchedule.Cosine, 5, 0.055)]
    [InlineData(LearningRateSchedule.Cosine, 10, 0.01)]
    public void ForEpoch_FollowsTheFormula(LearningRateSchedule schedule, int completedEpochs, double expected)
    {
        var options = new TrainerOptions { LearningRate = 0.1, Schedule = schedule, StepSize = 3, StepGamma = 0.5, Epochs = 10, MinimumLearningRate = 0.01 };
        Assert.Equal(expected, LearningRateSchedules.ForEpoch(options, completedEpochs), 12);
    }

    [Fact]
    public void ForEpoch_UnknownSchedule_Throws()
    {
        var options = new TrainerOptions { Schedule = (LearningRateSchedule)99 };
        Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedules.ForEpoch(options, 0));
    }

    /// <summary>A step schedule that divides the rate by 10¹² after the first epoch leaves the second epoch without
    /// effect: two epochs end where one ends. An engine that ignored the schedule would move on.</summary>
    [Fact]
    public void Autograd_TrainsWithTheScheduledRate() => TrainsWithTheScheduledRate(TrainingEngine.Autograd);

    [FactRequiresAvx2]
    public void Fused_TrainsWithTheScheduledRate() => TrainsWithTheScheduledRate(TrainingEngine.Fused);

    private static void TrainsWithTheScheduledRate(TrainingEngine engine)
    {
        var data = FusedEngineTests.MixedTasks(120, seed: 9);
        var definition = MultitaskModelBuilder.FromDataset(data).UseFamily(ModelFamily.SharedTrunk, new ArchitectureOptions { TrunkLayers = [8] }).Build();
        TrainerOptions Options(int epochs, LearningRateSchedule schedule) => new TrainerOptions
        {
            Epochs = epochs, Engine = engine, Momentum = 0, LearningRate = 0.05, Schedule = schedule, StepSize = 1, StepGamma = 1e-12, Shuffle = false,
        }.Deterministic();

        using var one = new MultitaskTrainer(Options(1, LearningRateSchedule.Constant)).Fit(definition, data);
        using var two = new MultitaskTrainer(Options(2, LearningRateSchedule.Step)).Fit(definition, data);
        using var constant = new MultitaskTrainer(Options(2, LearningRateSchedule.Constant)).Fit(definition, data);
        Assert.Equal(0.05e-12, two.TrainingHistory!.Epochs[1].LearningRate, 1e-20);
        var reference = one.Network.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
        var scheduled = two.Network.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
        var unscheduled = constant.Network.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
        Assert.True(reference.Zip(scheduled, (a, b) => Math.Abs(a - b)).Max() < 1e-6, "The second epoch at rate 5e-14 moved the parameters.");
        Assert.True(reference.Zip(unscheduled, (a, b) => Math.Abs(a - b)).Max() > 1e-3, "Without the schedule the second epoch should move the parameters.");
    }
}
