using MultitaskLearning.Data;
using MultitaskLearning.Models;
using MultitaskLearning.TestUtilities;
using MultitaskLearning.Training;
using Xunit;
using Xunit.Abstractions;

namespace MultitaskLearning.Tests;

public sealed class SmokeTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(ModelFamily.SharedTrunk)]
    [InlineData(ModelFamily.TaskSpecific)]
    [InlineData(ModelFamily.Hybrid)]
    public void Fit_RelatedTasks_LearnsBothTasks(ModelFamily family)
    {
        var data = SyntheticData.RelatedTasks(count: 400);
        var split = DatasetSplitter.Split(data, new SplitOptions { Seed = 3 });
        var definition = MultitaskModelBuilder.FromDataset(split.Train).UseFamily(family).Build();
        var trainer = new MultitaskTrainer(new TrainerOptions { Epochs = 30, LearningRate = 0.05, Seed = 1 });
        using var model = trainer.Fit(definition, split.Train, split.Validation);
        var report = model.Evaluate(split.Test);
        output.WriteLine(report.ToString());
        Assert.True(report["pass"][Tasks.MetricKind.Accuracy] > 0.85);
        Assert.True(report["score"][Tasks.MetricKind.RSquared] > 0.8);
    }
}
