using MultitaskLearning.Data;
using MultitaskLearning.Tasks;
using Xunit;

namespace MultitaskLearning.Tests.Data;

public sealed class MultitaskDatasetBuilderTests
{
    private static readonly TaskDefinition Digit = TaskDefinition.Multiclass("digit", 3);
    private static readonly TaskDefinition Score = TaskDefinition.Regression("score");

    [Fact]
    public void AddSamples_MissingLabels_AreMaskedNotClassZero()
    {
        var data = new MultitaskDatasetBuilder([Digit, Score])
            .AddSamples("x", new float[,] { { 1 }, { 2 }, { 3 } }, new Dictionary<string, LabelColumn>
            {
                ["digit"] = LabelColumn.FromClassIndices([0, null, 2]),
                ["score"] = LabelColumn.FromValues([null, 1.5, null]),
            })
            .Build();

        var digit = data.GetTargets("digit");
        Assert.Equal([true, false, true], digit.Present);
        Assert.True(float.IsNaN(digit.Values.Span[1]));
        Assert.Equal(1, data.GetTargets("score").LabelledCount);
    }

    [Fact]
    public void AddSamples_SeparatePerTaskSets_OfDifferentSizesAndInputs()
    {
        var data = new MultitaskDatasetBuilder([Digit, Score])
            .AddSamples("image", new float[4 * 4], [1, 2, 2], new Dictionary<string, LabelColumn> { ["digit"] = LabelColumn.FromClassIndices([0, 1, 2, 1]) })
            .AddSamples("table", new float[,] { { 1, 2 }, { 3, 4 } }, new Dictionary<string, LabelColumn> { ["score"] = LabelColumn.FromValues([1.0, 2.0]) })
            .AddSamples("table", new float[,] { { 5, 6 } }, new Dictionary<string, LabelColumn> { ["score"] = LabelColumn.FromValues([3.0]) })
            .Build();

        Assert.Equal(4, data.Inputs["image"].Count);
        Assert.Equal([1, 2, 2], data.Inputs["image"].SampleShape);
        Assert.Equal(3, data.Inputs["table"].Count);
        Assert.Equal("table", data.GetTargets("score").InputName);
        Assert.Equal([1f, 2f, 3f], data.GetTargets("score").Values.ToArray());
    }

    [Fact]
    public void AddSamples_BlockWithoutTask_LeavesItMissingOnThoseRows()
    {
        var data = new MultitaskDatasetBuilder([Digit, Score])
            .AddSamples("x", new float[,] { { 1 } }, new Dictionary<string, LabelColumn> { ["digit"] = LabelColumn.FromClassIndices([1]), ["score"] = LabelColumn.FromValues([2.0]) })
            .AddSamples("x", new float[,] { { 2 }, { 3 } }, new Dictionary<string, LabelColumn> { ["digit"] = LabelColumn.FromClassIndices([0, 2]) })
            .Build();
        Assert.Equal([true, false, false], data.GetTargets("score").Present);
        Assert.Equal([true, true, true], data.GetTargets("digit").Present);
    }

    [Fact]
    public void AddSamples_UnknownLabel_NamesTaskSampleAndLabel()
    {
        var speech = TaskDefinition.Multiclass("speech", "hello", "please");
        var builder = new MultitaskDatasetBuilder([speech]);
        var error = Assert.Throws<KeyNotFoundException>(() => builder.AddSamples(
            "audio", new float[,] { { 0 }, { 1 } }, new Dictionary<string, LabelColumn> { ["speech"] = LabelColumn.FromLabels(["hello", "thanks"]) }));
        Assert.Equal("Task 'speech', sample 1: label 'thanks' is not in the task's vocabulary ['hello', 'please'].", error.Message);
    }

    [Fact]
    public void AddSamples_LabelCountMismatch_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => new MultitaskDatasetBuilder([Score])
            .AddSamples("x", new float[,] { { 1 }, { 2 } }, new Dictionary<string, LabelColumn> { ["score"] = LabelColumn.FromValues([1.0]) }));
        Assert.Contains("Task 'score': 1 labels were given for 2 samples of input 'x'.", error.Message);
    }

    [Fact]
    public void AddSamples_TaskOnTwoInputs_Throws()
    {
        var builder = new MultitaskDatasetBuilder([Score])
            .AddSamples("a", new float[,] { { 1 } }, new Dictionary<string, LabelColumn> { ["score"] = LabelColumn.FromValues([1.0]) });
        var error = Assert.Throws<ArgumentException>(() =>
            builder.AddSamples("b", new float[,] { { 1 } }, new Dictionary<string, LabelColumn> { ["score"] = LabelColumn.FromValues([1.0]) }));
        Assert.Contains("Task 'score' is already labelled on input 'a'", error.Message);
    }

    [Fact]
    public void AddSamples_ClassIndexOutOfRange_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => new MultitaskDatasetBuilder([Digit])
            .AddSamples("x", new float[,] { { 1 } }, new Dictionary<string, LabelColumn> { ["digit"] = LabelColumn.FromClassIndices([3]) }));
        Assert.Contains("Task 'digit', sample 0: class index 3 is outside [0, 3).", error.Message);
    }

    [Fact]
    public void AddSamples_InfiniteFeature_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => new MultitaskDatasetBuilder([Score])
            .AddSamples("x", new float[,] { { 1, float.PositiveInfinity } }, new Dictionary<string, LabelColumn> { ["score"] = LabelColumn.FromValues([1.0]) }));
        Assert.Contains("Input 'x', sample 0, value 1: the value is infinite.", error.Message);
    }

    [Fact]
    public void Build_TaskWithoutLabels_Throws()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new MultitaskDatasetBuilder([Digit, Score])
            .AddSamples("x", new float[,] { { 1 } }, new Dictionary<string, LabelColumn> { ["digit"] = LabelColumn.FromClassIndices([1]) })
            .Build());
        Assert.Contains("score", error.Message);
    }

    [Fact]
    public void MultiLabel_LabelSets_BecomeIndicators()
    {
        var tags = TaskDefinition.MultiLabel("tags", "cat", "dog", "bird");
        var data = new MultitaskDatasetBuilder([tags])
            .AddSamples("x", new float[,] { { 1 }, { 2 }, { 3 } }, new Dictionary<string, LabelColumn>
            {
                ["tags"] = LabelColumn.FromLabelSets([["dog", "bird"], [], null]),
            })
            .Build();
        var values = data.GetTargets("tags").Values.ToArray();
        Assert.Equal([0f, 1f, 1f, 0f, 0f, 0f], values.Take(6));
        Assert.Equal([true, true, false], data.GetTargets("tags").Present);
    }

    [Fact]
    public void Merge_KeepsEachTaskOnItsOwnRowsAndInputs()
    {
        var images = new MultitaskDatasetBuilder([Digit])
            .AddSamples("image", new float[2 * 4], [1, 2, 2], new Dictionary<string, LabelColumn> { ["digit"] = LabelColumn.FromClassIndices([2, null]) })
            .Build();
        var table = new MultitaskDatasetBuilder([Score])
            .AddSamples("table", new float[,] { { 1 }, { 2 }, { 3 } }, new Dictionary<string, LabelColumn> { ["score"] = LabelColumn.FromValues([1.0, null, 3.0]) })
            .Build();

        var merged = MultitaskDataset.Merge(images, table);

        Assert.Equal(["digit", "score"], merged.Tasks.Select(t => t.Name));
        Assert.Equal([true, false], merged.GetTargets("digit").Present);
        Assert.Equal([true, false, true], merged.GetTargets("score").Present);
        Assert.Equal("image", merged.GetTargets("digit").InputName);
        Assert.Contains("Two tasks are named 'score'", Assert.Throws<ArgumentException>(() => MultitaskDataset.Merge(table, table)).Message);
    }
}
