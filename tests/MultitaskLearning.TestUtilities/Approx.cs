using Xunit;

namespace MultitaskLearning.TestUtilities;

/// <summary>Element-wise comparison of sequences within an absolute tolerance, with a message naming the index.</summary>
public static class Approx
{
    /// <summary>Asserts |expected[i] − actual[i]| ≤ tolerance for every i (and equal lengths).</summary>
    /// <param name="expected">Expected values.</param>
    /// <param name="actual">Actual values.</param>
    /// <param name="tolerance">Absolute tolerance.</param>
    public static void Equal(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double tolerance)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.True(
                Math.Abs(expected[i] - actual[i]) <= tolerance,
                $"Index {i}: expected {expected[i]:R}, got {actual[i]:R} (tolerance {tolerance}).");
        }
    }
}
