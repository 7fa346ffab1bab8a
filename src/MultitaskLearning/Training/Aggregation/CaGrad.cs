namespace MultitaskLearning.Training.Aggregation;

/// <summary>
/// Conflict-Averse Gradient descent of Liu et al., "Conflict-Averse Gradient Descent for Multi-task Learning"
/// (NeurIPS 2021). With g₀ the mean task gradient and φ = c²‖g₀‖², it finds w ∈ Δ minimising
/// F(w) = g_wᵀ g₀ + √φ ‖g_w‖ (g_w = Σ_t w_t g_t), then updates along d = (g₀ + (√φ/‖g_w‖) g_w) / (1 + c²)
/// (the rescaled form of the authors' code). c = 0 is plain averaging.
/// Solver: Frank–Wolfe on the convex F with golden-section line search, at most <see cref="MaxIterations"/> steps.
/// </summary>
public sealed class CaGrad : GramAggregator
{
    /// <summary>Creates the aggregator.</summary>
    /// <param name="c">The conflict-aversion radius c ∈ [0, 1).</param>
    public CaGrad(double c = 0.4)
    {
        if (!(c >= 0 && c < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(c), c, $"CAGrad's c must be in [0, 1). Got {c} instead.");
        }

        C = c;
    }

    /// <summary>The conflict-aversion radius.</summary>
    public double C { get; }

    /// <summary>Frank–Wolfe iteration cap (500).</summary>
    public int MaxIterations => 500;

    /// <inheritdoc/>
    public override string Name => "cagrad";

    /// <inheritdoc/>
    public override double[] Weights(double[,] gram, AggregationContext context)
    {
        ArgumentNullException.ThrowIfNull(gram);
        ArgumentNullException.ThrowIfNull(context);
        var k = gram.GetLength(0);
        var mean = Enumerable.Repeat(1.0 / k, k).ToArray();
        var g0Norm = Math.Sqrt(Math.Max(SmallLinearAlgebra.Quadratic(gram, mean), 0));
        var radius = C * g0Norm;
        if (radius == 0)
        {
            return mean;
        }

        var w = Minimise(gram, mean, radius);
        var gwNorm = Math.Sqrt(Math.Max(SmallLinearAlgebra.Quadratic(gram, w), 1e-300));
        var lambda = radius / gwNorm;
        return Enumerable.Range(0, k).Select(t => (mean[t] + (lambda * w[t])) / (1 + (C * C))).ToArray();
    }

    /// <summary>F(w) = wᵀ G w̄ + r √(wᵀ G w), w̄ the uniform weights.</summary>
    internal static double Objective(double[,] gram, double[] mean, double radius, double[] w)
    {
        double linear = 0;
        for (var t = 0; t < w.Length; t++)
        {
            linear += w[t] * SmallLinearAlgebra.Row(gram, mean, t);
        }

        return linear + (radius * Math.Sqrt(Math.Max(SmallLinearAlgebra.Quadratic(gram, w), 0)));
    }

    private double[] Minimise(double[,] gram, double[] mean, double radius)
    {
        var k = gram.GetLength(0);
        var w = (double[])mean.Clone();
        for (var iteration = 0; iteration < MaxIterations; iteration++)
        {
            // Gradient of F: G w̄ + r G w / ‖g_w‖; the Frank–Wolfe vertex is its smallest coordinate.
            var norm = Math.Sqrt(Math.Max(SmallLinearAlgebra.Quadratic(gram, w), 1e-300));
            var best = 0;
            var bestValue = double.PositiveInfinity;
            for (var t = 0; t < k; t++)
            {
                var gradient = SmallLinearAlgebra.Row(gram, mean, t) + (radius * SmallLinearAlgebra.Row(gram, w, t) / norm);
                if (gradient < bestValue)
                {
                    bestValue = gradient;
                    best = t;
                }
            }

            double Along(double gamma) => Objective(gram, mean, radius, w.Select((v, t) => ((1 - gamma) * v) + (t == best ? gamma : 0)).ToArray());
            double low = 0, high = 1;
            var ratio = (Math.Sqrt(5) - 1) / 2;
            for (var step = 0; step < 60; step++)
            {
                var a = high - (ratio * (high - low));
                var b = low + (ratio * (high - low));
                if (Along(a) <= Along(b))
                {
                    high = b;
                }
                else
                {
                    low = a;
                }
            }

            var gammaBest = (low + high) / 2;
            if (Along(gammaBest) >= Along(0))
            {
                break;
            }

            for (var t = 0; t < k; t++)
            {
                w[t] = ((1 - gammaBest) * w[t]) + (t == best ? gammaBest : 0);
            }
        }

        return w;
    }
}
