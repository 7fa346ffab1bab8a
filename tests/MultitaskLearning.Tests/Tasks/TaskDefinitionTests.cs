using MultitaskLearning.Tasks;
using Xunit;

namespace MultitaskLearning.Tests.Tasks;

public sealed class TaskDefinitionTests
{
    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("dot.name")]
    [InlineData("-leading")]
    public void Constructor_InvalidName_ThrowsNamingTheName(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => TaskDefinition.Regression(name));
        Assert.Contains($"'{name}'", error.Message);
    }

    [Fact]
    public void Multiclass_TakesOutputSizeFromVocabulary()
    {
        var task = TaskDefinition.Multiclass("speech", "hello", "i am", "please", "thank");
        Assert.Equal(4, task.OutputSize);
        Assert.Equal(1, task.TargetWidth);
        Assert.Equal(LossKind.CrossEntropy, task.Loss);
        Assert.Equal("please", task.LabelOf(2));
        Assert.Equal([MetricKind.Accuracy, MetricKind.MacroF1], task.Metrics);
    }

    [Fact]
    public void Constructor_LossOfAnotherKind_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => new TaskDefinition("t", TaskKind.Regression, loss: LossKind.CrossEntropy));
        Assert.Contains("Task 't': loss CrossEntropy does not apply to a Regression task", error.Message);
    }

    [Theory]
    [InlineData(-0.5)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Weight_OutOfRange_ThrowsWithValue(double weight)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => TaskDefinition.Regression("score") with { Weight = weight });
        Assert.Contains("Task 'score': the loss weight must be finite and >= 0", error.Message);
        Assert.Equal("Weight", error.ParamName);
    }

    [Fact]
    public void Metrics_NotApplicableToKind_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => TaskDefinition.Regression("score") with { Metrics = [MetricKind.Accuracy] });
        Assert.Contains("accuracy", error.Message);
    }

    [Fact]
    public void Binary_VocabularyNeedsTwoLabels()
    {
        Assert.Throws<ArgumentException>(() => new TaskDefinition("b", TaskKind.Binary, vocabulary: new LabelVocabulary(["a", "b", "c"])));
        var task = TaskDefinition.Binary("pass", "no", "yes");
        Assert.Equal(1, task.OutputSize);
        Assert.Equal(2, task.ClassCount);
        Assert.Equal("yes", task.LabelOf(1));
    }

    [Fact]
    public void Multiclass_FewerThanTwoClasses_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TaskDefinition.Multiclass("m", 1));
    }

    [Fact]
    public void MultiLabel_HasOneOutputPerLabel()
    {
        var task = TaskDefinition.MultiLabel("tags", "cat", "dog", "bird");
        Assert.Equal(3, task.OutputSize);
        Assert.Equal(3, task.TargetWidth);
        Assert.Equal(LossKind.BinaryCrossEntropyWithLogits, task.Loss);
    }
}
