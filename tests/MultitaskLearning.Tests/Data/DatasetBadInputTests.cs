using MultitaskLearning.Data;
using MultitaskLearning.Tasks;
using Xunit;

namespace MultitaskLearning.Tests.Data;

/// <summary>A dataset that cannot train is refused when it is built, with an error naming the task, input or sample.</summary>
public sealed class DatasetBadInputTests
{
    private static readonly TaskDefinition Score = TaskDefinition.Regression("score");
    private static readonly TaskDefinition Grade = TaskDefinition.Multiclass("grade", "a", "b", "c");

    [Fact]
    public void Build_OnlyEmptyBlocks_Throws()
    {
        var builder = new MultitaskDatasetBuilder([Score])
            .AddSamples("features", new float[0, 3], new Dictionary<string, LabelColumn> { ["score"] = LabelColumn.FromValues(Array.Empty<double>()) });
        var error = Assert.Throws<InvalidOperationException>(builder.Build);
        Assert.Equal("The dataset has no samples: every block added (input(s) features) was empty.", error.Message);
    }

    [Fact]
    public void Build_NoBlocks_Throws() =>
        Assert.Equal("No samples were added to the dataset.", Assert.Throws<InvalidOperationException>(new MultitaskDatasetBuilder([Score]).Build).Message);

    [Fact]
    public void Build_TaskWithEveryLabelMissing_IsAValidSplit()
    {
        var builder = new MultitaskDatasetBuilder([Score, Grade]).AddSamples(
            "features",
            new float[,] { { 1 }, { 2 } },
            new Dictionary<string, LabelColumn> { ["score"] = LabelColumn.FromValues([1.0, 2.0]), ["grade"] = LabelColumn.FromLabels([null, ""]) });
        Assert.Equal(0, builder.Build().Targets["grade"].LabelledCount); // the trainer refuses to train it (TrainerBadInputTests)
    }

    [Fact]
    public void Build_TaskWithoutAnyBlock_NamesTheTask()
    {
        var builder = new MultitaskDatasetBuilder([Score, Grade])
            .AddSamples("features", new float[,] { { 1 } }, new Dictionary<string, LabelColumn> { ["score"] = LabelColumn.FromValues([1.0]) });
        Assert.StartsWith("Task(s) grade have no labels in any block", Assert.Throws<InvalidOperationException>(builder.Build).Message);
    }

    [Fact]
    public void Build_PerTaskSampleSetsOnSeveralInputs_IsAccepted()
    {
        var parity = TaskDefinition.Binary("parity", "even", "odd");
        var data = new MultitaskDatasetBuilder([Score, Grade, parity])
            .AddSamples("features", new float[,] { { 1 }, { 2 } }, new Dictionary<string, LabelColumn> { ["score"] = LabelColumn.FromValues([1.0, 2.0]) })
            .AddSamples("features", new float[,] { { 3 }, { 4 }, { 5 } }, new Dictionary<string, LabelColumn> { ["grade"] = LabelColumn.FromClassIndices([0, 2, null]) })
            .AddSamples("image", new float[2 * 4], [1, 2, 2], new Dictionary<string, LabelColumn> { ["parity"] = LabelColumn.FromLabels(["odd", "even"]) })
            .Build();
        Assert.Equal(7, data.Count);
        Assert.Equal([true, true, false, false, false], data.GetTargets("score").Present);
        Assert.Equal(2, data.GetTargets("grade").LabelledCount);
        Assert.Equal("image", data.GetTargets("parity").InputName);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(-1)]
    public void AddSamples_ClassIndexOutOfRange_NamesTaskAndSample(int index)
    {
        var builder = new MultitaskDatasetBuilder([Grade]);
        var error = Assert.Throws<ArgumentException>(() => builder.AddSamples(
            "features", new float[,] { { 1 }, { 2 } }, new Dictionary<string, LabelColumn> { ["grade"] = LabelColumn.FromClassIndices([0, index]) }));
        Assert.StartsWith($"Task 'grade', sample 1: class index {index} is outside [0, 3).", error.Message);
    }

    [Fact]
    public void AddSamples_BinaryClassIndexTwo_IsOutOfRange()
    {
        var builder = new MultitaskDatasetBuilder([TaskDefinition.Binary("parity", "even", "odd")]);
        var error = Assert.Throws<ArgumentException>(() => builder.AddSamples(
            "features", new float[,] { { 1 } }, new Dictionary<string, LabelColumn> { ["parity"] = LabelColumn.FromClassIndices([2]) }));
        Assert.StartsWith("Task 'parity', sample 0: class index 2 is outside [0, 2).", error.Message);
    }

    [Fact]
    public void AddSamples_LabelOutsideVocabulary_NamesTaskSampleAndVocabulary()
    {
        var builder = new MultitaskDatasetBuilder([Grade]);
        var error = Assert.Throws<KeyNotFoundException>(() => builder.AddSamples(
            "features", new float[,] { { 1 }, { 2 } }, new Dictionary<string, LabelColumn> { ["grade"] = LabelColumn.FromLabels(["a", "z"]) }));
        Assert.Equal("Task 'grade', sample 1: label 'z' is not in the task's vocabulary ['a', 'b', 'c'].", error.Message);
    }

    [Theory]
    [InlineData(1e300, "1E+300")]
    [InlineData(-1e39, "-1E+39")]
    [InlineData(double.PositiveInfinity, null)]
    public void AddSamples_RegressionTargetBeyondFloat32_NamesTaskAndSample(double value, string? shown)
    {
        var builder = new MultitaskDatasetBuilder([Score]);
        var error = Assert.Throws<ArgumentException>(() => builder.AddSamples(
            "features", new float[,] { { 1 }, { 2 } }, new Dictionary<string, LabelColumn> { ["score"] = LabelColumn.FromValues([1.0, value]) }));
        Assert.StartsWith(
            shown is null ? "Task 'score', sample 1: target is infinite." : $"Task 'score', sample 1: target {shown} is outside the float32 range",
            error.Message);
    }

    [Fact]
    public void AddSamples_NullableRegressionTargetBeyondFloat32_NamesTaskAndSample()
    {
        var builder = new MultitaskDatasetBuilder([Score]);
        var error = Assert.Throws<ArgumentException>(() => builder.AddSamples(
            "features", new float[,] { { 1 }, { 2 } }, new Dictionary<string, LabelColumn> { ["score"] = LabelColumn.FromValues([null, (double?)1e300]) }));
        Assert.StartsWith("Task 'score', sample 1: target 1E+300 is outside the float32 range", error.Message);
    }

    [Fact]
    public void AddSamples_LargestFloat32Target_IsKept()
    {
        var data = new MultitaskDatasetBuilder([Score])
            .AddSamples("features", new float[,] { { 1 } }, new Dictionary<string, LabelColumn> { ["score"] = LabelColumn.FromValues([(double)float.MaxValue]) })
            .Build();
        Assert.Equal(float.MaxValue, data.GetTargets("score").Values.Span[0]);
    }

    [Fact]
    public void AddSamples_InfiniteFeature_NamesInputSampleAndValue()
    {
        var builder = new MultitaskDatasetBuilder([Score]);
        var error = Assert.Throws<ArgumentException>(() => builder.AddSamples(
            "features", new float[,] { { 1, 2 }, { 3, float.NegativeInfinity } }, new Dictionary<string, LabelColumn> { ["score"] = LabelColumn.FromValues([1.0, 2.0]) }));
        Assert.StartsWith("Input 'features', sample 1, value 1: the value is infinite.", error.Message);
    }
}
