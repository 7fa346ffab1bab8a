using MultitaskLearning.Evaluation;
using Xunit;

namespace MultitaskLearning.Tests.Evaluation;

public sealed class RegressionMetricsTests
{
    // y = (1, 2, 3, 4), ŷ = (2, 2, 2, 6): errors (−1, 0, 1, −2).
    private static readonly double[] Truth = [1, 2, 3, 4];
    private static readonly double[] Predicted = [2, 2, 2, 6];

    [Fact]
    public void MeanSquaredError_ByHand() => Assert.Equal((1 + 0 + 1 + 4) / 4.0, RegressionMetrics.MeanSquaredError(Truth, Predicted), 12);

    [Fact]
    public void MeanAbsoluteError_ByHand() => Assert.Equal((1 + 0 + 1 + 2) / 4.0, RegressionMetrics.MeanAbsoluteError(Truth, Predicted), 12);

    [Fact]
    public void RSquared_ByHand()
    {
        // SSE = 6, ȳ = 2.5, SST = 2.25 + 0.25 + 0.25 + 2.25 = 5 → 1 − 6/5 = −0.2.
        Assert.Equal(-0.2, RegressionMetrics.RSquared(Truth, Predicted), 12);
    }

    [Fact]
    public void ExplainedVariance_IgnoresConstantBias()
    {
        // residuals y − ŷ = (−1, 0, 1, −2): mean −0.5, variance (0.25 + 0.25 + 2.25 + 2.25)/4 = 1.25; Var(y) = 1.25 → 0.
        Assert.Equal(0, RegressionMetrics.ExplainedVariance(Truth, Predicted), 12);
        Assert.Equal(1, RegressionMetrics.ExplainedVariance(Truth, [11, 12, 13, 14]), 12);
        Assert.True(RegressionMetrics.RSquared(Truth, [11, 12, 13, 14]) < 0);
    }

    [Fact]
    public void Empty_GivesNaN() => Assert.True(double.IsNaN(RegressionMetrics.MeanSquaredError([], [])));
}
