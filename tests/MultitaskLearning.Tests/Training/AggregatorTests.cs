using MultitaskLearning.TestUtilities;
using MultitaskLearning.Training.Aggregation;
using Xunit;
using static TorchSharp.torch;

namespace MultitaskLearning.Tests.Training;

/// <summary>
/// Gradient aggregators against values computed independently from each paper's formula on small fixed gradients
/// (k = 2 by hand in the comments, k = 3, 4 through the defining property), plus contract checks every aggregator
/// must pass: shape, finiteness, invariance to the order of tasks (deterministic methods), and scaling.
/// Tolerances: 1e−6 for closed forms, 1e−5 for properties of iterative solvers.
/// </summary>
public sealed class AggregatorTests
{
    public static TheoryData<string> Deterministic() => ["mgda", "mgda-l2", "imtl-g", "aligned-mtl", "cagrad", "upgrad", "nash-mtl", "pcgrad-fixed"];

    [Theory]
    [MemberData(nameof(Deterministic))]
    public void Contract_ShapeFinitenessAndTaskOrderInvariance(string name)
    {
        var g = RandomGradients(4, 6, seed: 3);
        var update = Run(Create(name), g, [1, 2, 3, 4]);
        Assert.Equal(6, update.Length);
        Assert.All(update, v => Assert.True(double.IsFinite(v)));
        if (name == "pcgrad-fixed")
        {
            return; // PCGrad's result depends on the visiting order by design.
        }

        var permutation = new[] { 2, 0, 3, 1 };
        var permuted = new float[4, 6];
        for (var i = 0; i < 4; i++)
        {
            for (var j = 0; j < 6; j++)
            {
                permuted[i, j] = g[permutation[i], j];
            }
        }

        Approx.Equal(update, Run(Create(name), permuted, permutation.Select(p => (double)(p + 1)).ToArray()), 1e-4);
    }

    [Theory]
    [InlineData("mgda")]
    [InlineData("pcgrad-fixed")]
    [InlineData("cagrad")]
    public void Contract_ScalingAllGradientsScalesTheUpdate(string name)
    {
        var g = RandomGradients(3, 5, seed: 4);
        var doubled = new float[3, 5];
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 5; j++)
            {
                doubled[i, j] = 2 * g[i, j];
            }
        }

        Approx.Equal(Run(Create(name), g).Select(v => 2 * v).ToArray(), Run(Create(name), doubled), 1e-4);
    }

    [Fact]
    public void Mgda_TwoTasks_MatchesTheClosedForm()
    {
        // g1 = (1, 0), g2 = (−1, 2): w1 = (g2 − g1)·g2 / ‖g1 − g2‖² = ((−2)(−1) + 2·2) / (4 + 4) = 0.75 → d = (0.5, 0.5).
        Approx.Equal([0.5, 0.5], Run(new Mgda(), new float[,] { { 1, 0 }, { -1, 2 } }), 1e-6);
    }

    [Fact]
    public void Mgda_SolutionOnTheSimplexBoundary()
    {
        // g1 = (1, 0), g2 = (3, 0): the min-norm point of the segment is the vertex g1, so w = (1, 0).
        var weights = new Mgda().Weights(new double[,] { { 1, 3 }, { 3, 9 } }, new AggregationContext(new Random(0)));
        Approx.Equal([1, 0], weights, 1e-9);
    }

    [Theory]
    [InlineData(3, 5)]
    [InlineData(4, 6)]
    public void Mgda_UpdateDoesNotConflictWithAnyTask(int k, int seed)
    {
        // The min-norm point d of the convex hull satisfies g_t·d ≥ ‖d‖² for every t (so no task's loss goes up to first order).
        var g = RandomGradients(k, 8, seed);
        var d = Run(new Mgda(), g);
        var normSquared = d.Sum(v => v * v);
        for (var t = 0; t < k; t++)
        {
            Assert.True(Enumerable.Range(0, 8).Sum(j => g[t, j] * d[j]) >= normSquared - 1e-5);
        }
    }

    [Fact]
    public void Mgda_LossNormalizationNeedsLosses()
    {
        var error = Assert.Throws<ArgumentException>(() => new Mgda(MgdaNormalization.LossPlus).Weights(new double[,] { { 1 } }, new AggregationContext(new Random(0))));
        Assert.Contains("needs the task losses", error.Message);
        Approx.Equal([1], new Mgda(MgdaNormalization.Loss).Weights(new double[,] { { 4 } }, new AggregationContext(new Random(0), [2.0])), 1e-12);
    }

    [Fact]
    public void ImtlG_TwoTasks_ByHand()
    {
        // g1 = (1, 0), g2 = (0, 2): equal projections on u1 = (1, 0), u2 = (0, 1) with α1 + α2 = 1 give α1 = 2α2:
        // α = (2/3, 1/3), d = (2/3, 2/3).
        Approx.Equal([2.0 / 3, 2.0 / 3], Run(new ImtlG(), new float[,] { { 1, 0 }, { 0, 2 } }), 1e-6);
    }

    [Fact]
    public void ImtlG_ProjectionsOnAllUnitGradientsAreEqual()
    {
        var g = RandomGradients(4, 7, seed: 8);
        var d = Run(new ImtlG(), g);
        var projections = Enumerable.Range(0, 4).Select(t =>
        {
            var norm = Math.Sqrt(Enumerable.Range(0, 7).Sum(j => (double)g[t, j] * g[t, j]));
            return Enumerable.Range(0, 7).Sum(j => g[t, j] * d[j]) / norm;
        }).ToArray();
        Approx.Equal(Enumerable.Repeat(projections[0], 4).ToArray(), projections, 1e-5);
    }

    [Fact]
    public void AlignedMtl_TwoTasks_ByHand()
    {
        // g1 = (1, 0), g2 = (0, 2): G Gᵀ = diag(1, 4), σ = 1, B = diag(1, 1/2): ĝ1 = (1, 0), ĝ2 = (0, 1), update (1, 1).
        Approx.Equal([1, 1], Run(new AlignedMtl(), new float[,] { { 1, 0 }, { 0, 2 } }), 1e-6);
    }

    [Fact]
    public void AlignedMtl_AlignedGradientsHaveConditionNumberOne()
    {
        var g = RandomGradients(3, 6, seed: 9);
        var gram = Gram(g);
        var b = AlignedMtl.AlignmentMatrix(gram);
        var (values, _) = SmallLinearAlgebraProbe.Eigen(gram);
        var sigmaSquared = values.Min();

        // B G Gᵀ Bᵀ = σ² I.
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                double sum = 0;
                for (var p = 0; p < 3; p++)
                {
                    for (var q = 0; q < 3; q++)
                    {
                        sum += b[i, p] * gram[p, q] * b[j, q];
                    }
                }

                Assert.Equal(i == j ? sigmaSquared : 0, sum, 6);
            }
        }
    }

    [Fact]
    public void CaGrad_ZeroRadiusIsTheMean()
    {
        Approx.Equal([0.5, 0.5, 0], Run(new CaGrad(0), new float[,] { { 1, 0, 0 }, { 0, 1, 0 } }), 1e-7);
    }

    [Fact]
    public void CaGrad_TwoTasks_MatchesAGridSearch()
    {
        // Minimise F(w) = g_wᵀg₀ + c‖g₀‖‖g_w‖ over w = (a, 1 − a) by a 1e−5 grid, then d = (g₀ + c‖g₀‖ g_w/‖g_w‖)/(1 + c²).
        float[,] g = { { 2, 0.5f }, { -1, 1 } };
        const double c = 0.5;
        var gram = Gram(g);
        var mean = new[] { 0.5, 0.5 };
        var radius = c * Math.Sqrt(Quad(gram, mean));
        var bestA = Enumerable.Range(0, 100_001).Select(i => i / 100_000.0).MinBy(a => CaGrad.Objective(gram, mean, radius, [a, 1 - a]));
        var w = new[] { bestA, 1 - bestA };
        var gw = new[] { (w[0] * g[0, 0]) + (w[1] * g[1, 0]), (w[0] * g[0, 1]) + (w[1] * g[1, 1]) };
        var gwNorm = Math.Sqrt((gw[0] * gw[0]) + (gw[1] * gw[1]));
        var g0 = new[] { (g[0, 0] + g[1, 0]) / 2.0, (g[0, 1] + g[1, 1]) / 2.0 };
        var expected = g0.Select((v, j) => (v + (radius * gw[j] / gwNorm)) / (1 + (c * c))).ToArray();
        Approx.Equal(expected, Run(new CaGrad(c), g), 1e-4);
    }

    [Fact]
    public void GradVac_FirstStepWithZeroTargetsIsPCGrad_AndTheTargetsMove()
    {
        // With φ̂ = 0 the correction ‖g_i‖(0 − φ·1)/(‖g_j‖·1) g_j = −(g_i·g_j/‖g_j‖²) g_j is PCGrad's projection.
        float[,] g = { { 1, 0 }, { -1, 1 } };
        var gradVac = new GradVac(beta: 0.5);
        using (var scope = NewDisposeScope())
        {
            var context = new AggregationContext(new Random(0), TaskNames: ["a", "b"]);
            var update = gradVac.Aggregate(tensor(g), context).Gradient.data<float>().Select(v => (double)v).ToArray();
            Approx.Equal(Run(new PCGrad(randomOrder: false), g), update, 1e-6);
        }

        // cos(g_a, g_b) = −1/√2: both targets move half-way there.
        Assert.Equal(-0.5 / Math.Sqrt(2), gradVac.Targets[("a", "b")], 9);
        Assert.True(gradVac.Targets.ContainsKey(("b", "a")));
    }

    [Theory]
    [InlineData(3, 21)]
    [InlineData(4, 22)]
    public void UpGrad_UpdateDoesNotConflictWithAnyTask(int k, int seed)
    {
        var g = RandomGradients(k, 6, seed);
        var d = Run(new UpGrad(), g);
        for (var t = 0; t < k; t++)
        {
            Assert.True(Enumerable.Range(0, 6).Sum(j => g[t, j] * d[j]) >= -1e-5);
        }
    }

    [Fact]
    public void UpGrad_OrthogonalGradientsAreAveraged()
    {
        Approx.Equal([0.5, 1], Run(new UpGrad(), new float[,] { { 1, 0 }, { 0, 2 } }), 1e-6);
    }

    [Fact]
    public void NashMtl_TwoOrthogonalTasks_ByHand()
    {
        // G = diag(1, 4): α_t (Gα)_t = 1 gives α = (1, 1/2), update (1, 0) + ½(0, 2) = (1, 1).
        Approx.Equal([1, 1], Run(new NashMtl(), new float[,] { { 1, 0 }, { 0, 2 } }), 1e-6);
    }

    [Fact]
    public void NashMtl_SatisfiesTheBargainingCondition()
    {
        var g = RandomGradients(4, 6, seed: 23);
        var gram = Gram(g);
        var alpha = new NashMtl().Weights(gram, new AggregationContext(new Random(0)));
        for (var t = 0; t < 4; t++)
        {
            Assert.True(alpha[t] > 0);
            Assert.Equal(1, alpha[t] * Enumerable.Range(0, 4).Sum(j => gram[t, j] * alpha[j]), 6);
        }
    }

    [Fact]
    public void GradDrop_KeepsAgreeingSignsAndPicksOneSignOtherwise()
    {
        // Coordinate 0: both positive (kept, 1 + 2); coordinate 1: both negative (kept, −3); coordinate 2: +1 and −1
        // (P = ½: exactly one sign survives, so the result is +1 or −1, never 0).
        float[,] g = { { 1, -1, 1 }, { 2, -2, -1 } };
        for (var seed = 0; seed < 20; seed++)
        {
            using var scope = NewDisposeScope();
            var update = new GradDrop().Aggregate(tensor(g), new AggregationContext(new Random(seed))).Gradient.data<float>().ToArray();
            Assert.Equal(3f, update[0]);
            Assert.Equal(-3f, update[1]);
            Assert.Equal(1f, Math.Abs(update[2]));
        }
    }

    private static GradientAggregator Create(string name) => name switch
    {
        "mgda" => new Mgda(),
        "mgda-l2" => new Mgda(MgdaNormalization.L2),
        "imtl-g" => new ImtlG(),
        "aligned-mtl" => new AlignedMtl(),
        "cagrad" => new CaGrad(0.4),
        "upgrad" => new UpGrad(),
        "nash-mtl" => new NashMtl(),
        _ => new PCGrad(randomOrder: false),
    };

    private static double[] Run(GradientAggregator aggregator, float[,] gradients, double[]? losses = null)
    {
        using var scope = NewDisposeScope();
        return aggregator.Aggregate(tensor(gradients), new AggregationContext(new Random(0), losses)).Gradient.data<float>().Select(v => (double)v).ToArray();
    }

    private static float[,] RandomGradients(int k, int d, int seed)
    {
        var random = new Random(seed);
        var g = new float[k, d];
        for (var i = 0; i < k; i++)
        {
            for (var j = 0; j < d; j++)
            {
                g[i, j] = (float)(((random.NextDouble() * 2) - 1) * (1 + i));
            }
        }

        return g;
    }

    private static double[,] Gram(float[,] g)
    {
        int k = g.GetLength(0), d = g.GetLength(1);
        var gram = new double[k, k];
        for (var i = 0; i < k; i++)
        {
            for (var j = 0; j < k; j++)
            {
                gram[i, j] = Enumerable.Range(0, d).Sum(m => (double)g[i, m] * g[j, m]);
            }
        }

        return gram;
    }

    private static double Quad(double[,] gram, double[] w) =>
        Enumerable.Range(0, w.Length).Sum(i => Enumerable.Range(0, w.Length).Sum(j => w[i] * gram[i, j] * w[j]));

    /// <summary>Eigenvalues through the library's Jacobi routine, checked here against the trace and determinant-free identity Σλ = tr.</summary>
    private static class SmallLinearAlgebraProbe
    {
        public static (double[] Values, double[,] Vectors) Eigen(double[,] m)
        {
            var result = SmallLinearAlgebra.SymmetricEigen(m);
            Assert.Equal(Enumerable.Range(0, m.GetLength(0)).Sum(i => m[i, i]), result.Values.Sum(), 9);
            return result;
        }
    }
}
