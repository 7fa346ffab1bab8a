using MultitaskLearning.Data;
using MultitaskLearning.Tasks;
using MultitaskLearning.TestUtilities;
using Xunit;

namespace MultitaskLearning.Tests.Data;

public sealed class DatasetSplitterTests
{
    [Fact]
    public void Split_IsDisjointCompleteAndReproducible()
    {
        var data = SyntheticData.Argmax(count: 101);
        var options = new SplitOptions { TrainFraction = 0.6, ValidationFraction = 0.2, Seed = 9 };
        var first = DatasetSplitter.Split(data, options);
        var second = DatasetSplitter.Split(data, options);

        Assert.Equal(101, first.Train.Count + first.Validation.Count + first.Test.Count);
        Assert.Equal(first.Test.Inputs["features"].Values.ToArray(), second.Test.Inputs["features"].Values.ToArray());
        var all = new[] { first.Train, first.Validation, first.Test }
            .SelectMany(d => Enumerable.Range(0, d.Count).Select(i => string.Join(",", d.Inputs["features"].GetSample(i).ToArray())))
            .ToArray();
        Assert.Equal(all.Length, all.Distinct().Count());
    }

    [Fact]
    public void Split_EachTaskGetsCeilingOfTrainFraction()
    {
        // Two per-task sample sets of 10 and 7 rows: ⌈0.75·10⌉ = 8 and ⌈0.75·7⌉ = 6 training rows.
        TaskDefinition[] tasks = [TaskDefinition.Regression("a"), TaskDefinition.Regression("b")];
        var data = new MultitaskDatasetBuilder(tasks)
            .AddSamples("x", new float[10, 1], new Dictionary<string, LabelColumn> { ["a"] = LabelColumn.FromValues(Enumerable.Range(0, 10).Select(i => (double)i).ToArray()) })
            .AddSamples("x", new float[7, 1], new Dictionary<string, LabelColumn> { ["b"] = LabelColumn.FromValues(Enumerable.Range(0, 7).Select(i => (double)i).ToArray()) })
            .Build();
        var split = DatasetSplitter.Split(data, new SplitOptions { TrainFraction = 0.75, ValidationFraction = 0 });
        Assert.Equal(8, split.Train.GetTargets("a").LabelledCount);
        Assert.Equal(6, split.Train.GetTargets("b").LabelledCount);
        Assert.Equal(2, split.Test.GetTargets("a").LabelledCount);
        Assert.Equal(1, split.Test.GetTargets("b").LabelledCount);
        Assert.Equal(0, split.Validation.Count);
    }

    [Fact]
    public void Split_StratifiedByClass_KeepsClassProportions()
    {
        var labels = Enumerable.Range(0, 100).Select(i => (int?)(i < 80 ? 0 : 1)).ToArray();
        var data = new MultitaskDatasetBuilder([TaskDefinition.Binary("rare")])
            .AddSamples("x", new float[100, 1], new Dictionary<string, LabelColumn> { ["rare"] = LabelColumn.FromClassIndices(labels) })
            .Build();
        var split = DatasetSplitter.Split(data, new SplitOptions { TrainFraction = 0.5, ValidationFraction = 0.25, StratifyByTask = "rare", Seed = 3 });
        Assert.Equal(10, split.Train.GetTargets("rare").Values.ToArray().Count(v => v == 1));
        Assert.Equal(5, split.Validation.GetTargets("rare").Values.ToArray().Count(v => v == 1));
        Assert.Equal(5, split.Test.GetTargets("rare").Values.ToArray().Count(v => v == 1));
    }

    [Fact]
    public void Split_InvalidFractions_ReportsAll()
    {
        var error = Assert.Throws<ArgumentException>(() => DatasetSplitter.Split(SyntheticData.Argmax(), new SplitOptions { TrainFraction = 0, ValidationFraction = 1.5 }));
        Assert.Contains("TrainFraction must be in (0, 1]. Got 0 instead.", error.Message);
        Assert.Contains("ValidationFraction must be in [0, 1). Got 1.5 instead.", error.Message);
    }
}
