using Xunit;

namespace MultitaskLearning.Reporting.Tests;

public sealed class ConfusionMatrixTests
{
    [Fact]
    public void FromPredictions_CountsEachTrueAndPredictedPair()
    {
        //                 truth:    cat cat cat dog dog bird bird bird bird
        //                 predicted cat dog cat dog cat bird bird dog  bird
        var matrix = ConfusionMatrix.FromPredictions(["cat", "dog", "bird"], [0, 0, 0, 1, 1, 2, 2, 2, 2], [0, 1, 0, 1, 0, 2, 2, 1, 2]);

        Assert.Equal(new[,] { { 2, 1, 0 }, { 1, 1, 0 }, { 0, 1, 3 } }, matrix.ToArray());
        Assert.Equal(9, matrix.Total);
        Assert.Equal(6, matrix.Correct);
        Assert.Equal(6 / 9.0, matrix.Accuracy, 12);
        Assert.Equal([3L, 2L, 4L], Enumerable.Range(0, 3).Select(matrix.Support));
        Assert.Equal(1, matrix[2, 1]);
    }

    [Fact]
    public void Constructor_CopiesTheCounts()
    {
        var counts = new[,] { { 1, 2 }, { 3, 4 } };
        var matrix = new ConfusionMatrix(["a", "b"], counts);
        counts[0, 0] = 100;

        Assert.Equal(1, matrix[0, 0]);
        Assert.True(double.IsNaN(new ConfusionMatrix(["a", "b"], new int[2, 2]).Accuracy));
    }

    [Theory]
    [InlineData(3, 3, "counts")]   // 3×3 counts for 2 names
    [InlineData(2, 3, "counts")]   // not square
    public void Constructor_CountsNotMatchingTheClassNames_NamesTheField(int rows, int columns, string field)
    {
        var error = Assert.Throws<ArgumentException>(() => new ConfusionMatrix(["a", "b"], new int[rows, columns]));

        Assert.Equal(field, error.ParamName);
        Assert.Contains("2 class names", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_BadClassNamesOrCounts_NamesTheField()
    {
        Assert.Equal("classNames", Assert.Throws<ArgumentException>(() => new ConfusionMatrix(["only"], new int[1, 1])).ParamName);
        Assert.Equal("classNames", Assert.Throws<ArgumentException>(() => new ConfusionMatrix(["a", "a"], new int[2, 2])).ParamName);
        var negative = Assert.Throws<ArgumentException>(() => new ConfusionMatrix(["a", "b"], new[,] { { 1, -1 }, { 0, 0 } }));
        Assert.Equal("counts", negative.ParamName);
        Assert.Contains("true 'a', predicted 'b'", negative.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromPredictions_BadIndicesOrLengths_NamesTheField()
    {
        Assert.Equal("predicted", Assert.Throws<ArgumentException>(() => ConfusionMatrix.FromPredictions(["a", "b"], [0, 1], [0])).ParamName);
        Assert.Equal("truth", Assert.Throws<ArgumentException>(() => ConfusionMatrix.FromPredictions(["a", "b"], [0, 2], [0, 1])).ParamName);
        Assert.Equal("predicted", Assert.Throws<ArgumentException>(() => ConfusionMatrix.FromPredictions(["a", "b"], [0, 1], [-1, 1])).ParamName);
    }
}
