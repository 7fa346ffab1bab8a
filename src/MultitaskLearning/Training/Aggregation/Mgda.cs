namespace MultitaskLearning.Training.Aggregation;

/// <summary>
/// Multiple-gradient descent (MGDA-UB) of Sener and Koltun, "Multi-Task Learning as Multi-Objective Optimization"
/// (NeurIPS 2018): the update is the minimum-norm point of the convex hull of the (normalised) task gradients,
/// w* = argmin_{w ∈ Δ} ‖Σ_t w_t ĝ_t‖², found on the Gram matrix (the authors use Frank–Wolfe; here accelerated
/// projected gradient, which converges faster to the same minimiser); as in the authors' code, the weights w* then
/// scale the original gradients, update = Σ_t w*_t g_t.
/// Solver: at most <see cref="MaxIterations"/> steps, stopping when the weights change by less than
/// <see cref="Tolerance"/> (L1). For k = 2 the result is exact: w_1 = clip((ĝ_2 − ĝ_1)·ĝ_2 / ‖ĝ_1 − ĝ_2‖², 0, 1).
/// </summary>
public sealed class Mgda : GramAggregator
{
    /// <summary>Creates the aggregator.</summary>
    /// <param name="normalization">The gradient normalisation.</param>
    public Mgda(MgdaNormalization normalization = MgdaNormalization.None) => Normalization = normalization;

    /// <summary>The gradient normalisation.</summary>
    public MgdaNormalization Normalization { get; }

    /// <summary>Iteration cap of the min-norm solver (10,000).</summary>
    public int MaxIterations => 10_000;

    /// <summary>Stopping tolerance on the L1 change of the weights (1e−12).</summary>
    public double Tolerance => 1e-12;

    /// <inheritdoc/>
    public override string Name => "mgda";

    /// <inheritdoc/>
    /// <remarks>MGDA-UB: the min-norm weights of the gradients with respect to the shared representation Z bound those of
    /// the parameter gradients, since ∇_θ L_t = (∂Z/∂θ)ᵀ ∇_Z L_t.</remarks>
    public override bool SupportsRepresentationGradients => true;

    /// <inheritdoc/>
    public override double[] Weights(double[,] gram, AggregationContext context)
    {
        ArgumentNullException.ThrowIfNull(gram);
        ArgumentNullException.ThrowIfNull(context);
        var k = gram.GetLength(0);
        if (Normalization is MgdaNormalization.Loss or MgdaNormalization.LossPlus && context.TaskLosses is null)
        {
            throw new ArgumentException($"MGDA with {Normalization} normalisation needs the task losses.", nameof(context));
        }

        var scale = new double[k];
        for (var t = 0; t < k; t++)
        {
            var norm = Math.Sqrt(Math.Max(gram[t, t], 0));
            scale[t] = Normalization switch
            {
                MgdaNormalization.L2 => norm > 0 ? 1 / norm : 0,
                MgdaNormalization.Loss => 1 / Math.Max(context.TaskLosses![t], 1e-12),
                MgdaNormalization.LossPlus => norm > 0 ? 1 / (Math.Max(context.TaskLosses![t], 1e-12) * norm) : 0,
                MgdaNormalization.None => 1,
                _ => throw new ArgumentOutOfRangeException(nameof(context), Normalization, "Unknown MGDA normalisation."),
            };
        }

        var normalized = new double[k, k];
        for (var i = 0; i < k; i++)
        {
            for (var j = 0; j < k; j++)
            {
                normalized[i, j] = gram[i, j] * scale[i] * scale[j];
            }
        }

        if (k == 2)
        {
            // The exact minimiser on the segment between two points (Sener and Koltun, Algorithm 1), without iterations.
            var denominator = normalized[0, 0] + normalized[1, 1] - (2 * normalized[0, 1]);
            var w1 = denominator > 0 ? Math.Clamp((normalized[1, 1] - normalized[0, 1]) / denominator, 0, 1) : 0.5;
            return [w1, 1 - w1];
        }

        return MinNormWeights(normalized, MaxIterations, Tolerance);
    }

    /// <summary>argmin over the simplex of wᵀ G w: accelerated projected gradient (step 1/λ_max(G), Euclidean
    /// projection onto the simplex of Duchi et al. 2008) until the weights change by less than the tolerance.</summary>
    internal static double[] MinNormWeights(double[,] gram, int maxIterations, double tolerance)
    {
        var k = gram.GetLength(0);
        return SmallLinearAlgebra.MinimizeQuadratic(gram, Enumerable.Repeat(1.0 / k, k).ToArray(), ProjectOntoSimplex, maxIterations, tolerance);
    }

    /// <summary>Euclidean projection onto {w ≥ 0, Σ w = 1}.</summary>
    internal static double[] ProjectOntoSimplex(double[] v)
    {
        var sorted = v.OrderDescending().ToArray();
        double cumulative = 0, theta = 0;
        for (var i = 0; i < sorted.Length; i++)
        {
            cumulative += sorted[i];
            var candidate = (cumulative - 1) / (i + 1);
            if (sorted[i] - candidate > 0)
            {
                theta = candidate;
            }
        }

        return v.Select(x => Math.Max(x - theta, 0)).ToArray();
    }
}
