using MultitaskLearning.Training.Aggregation;
using MultitaskLearning.TestUtilities;
using Xunit;
using static TorchSharp.torch;

namespace MultitaskLearning.Tests.Training;

/// <summary>PCGrad (Yu et al. 2020) against its formula, written here directly on vectors (independently of the
/// Gram-matrix implementation): for each i, g_i ← g_i − (g_i·g_j/‖g_j‖²) g_j for every j with g_i·g_j &lt; 0.</summary>
public sealed class PCGradTests
{
    [Fact]
    public void Aggregate_TwoConflictingGradients_MatchesHandComputation()
    {
        // g1 = (1, 0), g2 = (−1, 1): g1·g2 = −1.
        // g1' = g1 − (−1/2) g2 = (0.5, 0.5); g2' = g2 − (−1/1) g1 = (0, 1); sum = (0.5, 1.5).
        var result = Run(new float[,] { { 1, 0 }, { -1, 1 } }, randomOrder: false);
        Approx.Equal([0.5, 1.5], result, 1e-6);
    }

    [Fact]
    public void Aggregate_NonConflictingGradients_IsPlainSum()
    {
        var result = Run(new float[,] { { 1, 2, 0 }, { 0.5f, 0, 3 } }, randomOrder: true);
        Approx.Equal([1.5, 2, 3], result, 1e-6);
    }

    [Theory]
    [InlineData(3, 11)]
    [InlineData(4, 12)]
    public void Aggregate_FixedOrder_MatchesDirectVectorFormula(int k, int seed)
    {
        var random = new Random(seed);
        var g = new float[k, 5];
        for (var i = 0; i < k; i++)
        {
            for (var j = 0; j < 5; j++)
            {
                g[i, j] = (float)((random.NextDouble() * 2) - 1) * (i + 1);
            }
        }

        Approx.Equal(Direct(g), Run(g, randomOrder: false), 1e-5);
    }

    [Fact]
    public void Aggregate_RandomOrder_IsReproducibleWithSameSeed()
    {
        float[,] g = { { 1, 0, 0 }, { -1, 1, 0 }, { 0, -1, 1 }, { 0.2f, 0.3f, -1 } };
        Assert.Equal(Run(g, true, seed: 5), Run(g, true, seed: 5));
    }

    [Fact]
    public void Aggregate_ResultDoesNotConflictForTwoTasks()
    {
        // For k = 2 the PCGrad update has a non-negative inner product with both task gradients.
        float[,] g = { { 3, -1, 0.5f }, { -2, 2, 1 } };
        var result = Run(g, randomOrder: false);
        for (var i = 0; i < 2; i++)
        {
            Assert.True(Enumerable.Range(0, 3).Sum(j => result[j] * g[i, j]) >= -1e-6);
        }
    }

    private static double[] Run(float[,] gradients, bool randomOrder, int seed = 0)
    {
        using var scope = NewDisposeScope();
        var result = new PCGrad(randomOrder).Aggregate(tensor(gradients), new AggregationContext(new Random(seed)));
        return result.Gradient.data<float>().Select(v => (double)v).ToArray();
    }

    private static double[] Direct(float[,] g)
    {
        int k = g.GetLength(0), d = g.GetLength(1);
        double Dot(double[] a, double[] b) => a.Select((v, i) => v * b[i]).Sum();
        var rows = Enumerable.Range(0, k).Select(i => Enumerable.Range(0, d).Select(j => (double)g[i, j]).ToArray()).ToArray();
        var sum = new double[d];
        for (var i = 0; i < k; i++)
        {
            var gi = (double[])rows[i].Clone();
            for (var j = 0; j < k; j++)
            {
                if (j == i)
                {
                    continue;
                }

                var dot = Dot(gi, rows[j]);
                if (dot < 0)
                {
                    var norm = Dot(rows[j], rows[j]);
                    for (var m = 0; m < d; m++)
                    {
                        gi[m] -= dot / norm * rows[j][m];
                    }
                }
            }

            for (var m = 0; m < d; m++)
            {
                sum[m] += gi[m];
            }
        }

        return sum;
    }
}
