using MultitaskLearning.Evaluation;
using Xunit;

namespace MultitaskLearning.Tests.Evaluation;

/// <summary>Expected values are computed by hand in the comments (and agree with scikit-learn's
/// accuracy_score / precision_recall_fscore_support(average="macro", zero_division=0)).</summary>
public sealed class ClassificationMetricsTests
{
    // truth:     0 0 1 1 2 2
    // predicted: 0 1 1 1 2 0
    private static readonly int[] Truth = [0, 0, 1, 1, 2, 2];
    private static readonly int[] Predicted = [0, 1, 1, 1, 2, 0];

    [Fact]
    public void Accuracy_CountsMatches() => Assert.Equal(4.0 / 6, ClassificationMetrics.Accuracy(Truth, Predicted), 12);

    [Fact]
    public void Macro_AveragesPerClassValues()
    {
        // class 0: TP 1, FP 1 (the last sample), FN 1 → P 1/2, R 1/2, F1 1/2
        // class 1: TP 2, FP 1, FN 0 → P 2/3, R 1, F1 0.8
        // class 2: TP 1, FP 0, FN 1 → P 1, R 1/2, F1 2/3
        var (precision, recall, f1) = ClassificationMetrics.Macro(Truth, Predicted);
        Assert.Equal((0.5 + (2.0 / 3) + 1) / 3, precision, 12);
        Assert.Equal((0.5 + 1 + 0.5) / 3, recall, 12);
        Assert.Equal((0.5 + 0.8 + (2.0 / 3)) / 3, f1, 12);
    }

    [Fact]
    public void ForClass_NoPredictions_GivesZeroPrecision()
    {
        var (precision, recall, f1) = ClassificationMetrics.ForClass([1, 1, 0], [0, 0, 0], 1);
        Assert.Equal(0, precision);
        Assert.Equal(0, recall);
        Assert.Equal(0, f1);
    }

    [Fact]
    public void Accuracy_LengthMismatch_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => ClassificationMetrics.Accuracy([1, 2], [1]));
        Assert.Equal("2 true labels but 1 predictions. (Parameter 'predicted')", error.Message);
    }
}
