using MultitaskLearning.Evaluation;
using MultitaskLearning.Tasks;
using Xunit;

namespace MultitaskLearning.Tests.Evaluation;

public sealed class ModelComparisonTests
{
    [Fact]
    public void Compare_MeanRelativeGain_SignsByDirection()
    {
        var digit = TaskDefinition.Multiclass("digit", 10);
        var score = TaskDefinition.Regression("score") with { Metrics = [MetricKind.MeanSquaredError] };
        var multitask = new EvaluationReport([
            new TaskEvaluation(digit, 10, new Dictionary<MetricKind, double> { [MetricKind.Accuracy] = 0.9, [MetricKind.MacroF1] = 0.8 }),
            new TaskEvaluation(score, 10, new Dictionary<MetricKind, double> { [MetricKind.MeanSquaredError] = 3.0 }),
        ]);
        var single = new EvaluationReport([
            new TaskEvaluation(digit, 10, new Dictionary<MetricKind, double> { [MetricKind.Accuracy] = 0.8, [MetricKind.MacroF1] = 0.8 }),
            new TaskEvaluation(score, 10, new Dictionary<MetricKind, double> { [MetricKind.MeanSquaredError] = 2.0 }),
        ]);

        var comparison = ModelComparison.Compare(multitask, single);

        // digit: accuracy +0.1/0.8 = +0.125, F1 0 → task mean 0.0625; score: MSE is lower-better, −(3−2)/2 = −0.5.
        // Δm = (0.0625 − 0.5) / 2 = −0.21875.
        Assert.Equal(-0.21875, comparison.MeanRelativeGain, 12);
        Assert.Equal(0.125, comparison.Metrics.Single(m => m.TaskName == "digit" && m.Metric == MetricKind.Accuracy).RelativeGain, 12);
        Assert.Equal(-0.5, comparison.Metrics.Single(m => m.TaskName == "score").RelativeGain, 12);
    }

    [Fact]
    public void Compare_NothingShared_Throws()
    {
        var a = new EvaluationReport([new TaskEvaluation(TaskDefinition.Regression("a"), 1, new Dictionary<MetricKind, double> { [MetricKind.MeanSquaredError] = 1 })]);
        var b = new EvaluationReport([new TaskEvaluation(TaskDefinition.Regression("b"), 1, new Dictionary<MetricKind, double> { [MetricKind.MeanSquaredError] = 1 })]);
        Assert.Throws<ArgumentException>(() => ModelComparison.Compare(a, b));
    }
}
