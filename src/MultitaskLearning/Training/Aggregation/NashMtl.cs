namespace MultitaskLearning.Training.Aggregation;

/// <summary>
/// Nash-MTL of Navon et al., "Multi-Task Learning as a Bargaining Game" (ICML 2022): the update Σ_t α_t g_t with α &gt; 0
/// solving Gα = 1/α (element-wise), the Nash bargaining solution. That α is the unique minimiser of the convex
/// F(α) = ½ αᵀ G α − Σ_t log α_t, found here by damped Newton steps (Hessian G + diag(1/α²)) that keep α positive,
/// at most <see cref="MaxIterations"/> steps, stopping when ‖Gα − 1/α‖_∞ &lt; <see cref="Tolerance"/>.
/// (The paper solves the same condition by a sequence of convex programs; the fixed point is the same.)
/// </summary>
public sealed class NashMtl : GramAggregator
{
    /// <summary>Newton iteration cap (100).</summary>
    public int MaxIterations => 100;

    /// <summary>Stopping tolerance on the optimality residual (1e−10, relative to the scale of G).</summary>
    public double Tolerance => 1e-10;

    /// <inheritdoc/>
    public override string Name => "nash-mtl";

    /// <inheritdoc/>
    public override double[] Weights(double[,] gram, AggregationContext context)
    {
        ArgumentNullException.ThrowIfNull(gram);
        ArgumentNullException.ThrowIfNull(context);
        var k = gram.GetLength(0);
        var scale = Enumerable.Range(0, k).Max(t => gram[t, t]);
        if (!(scale > 0))
        {
            return Enumerable.Repeat(1.0 / k, k).ToArray();
        }

        // Start where each α_t solves the diagonal problem G_tt α_t² = 1.
        var alpha = Enumerable.Range(0, k).Select(t => 1 / Math.Sqrt(Math.Max(gram[t, t], 1e-12 * scale))).ToArray();
        double Objective(double[] a) => (0.5 * SmallLinearAlgebra.Quadratic(gram, a)) - a.Sum(Math.Log);
        for (var iteration = 0; iteration < MaxIterations; iteration++)
        {
            var gradient = Enumerable.Range(0, k).Select(t => SmallLinearAlgebra.Row(gram, alpha, t) - (1 / alpha[t])).ToArray();
            if (gradient.Max(Math.Abs) < Tolerance * Math.Sqrt(scale))
            {
                break;
            }

            var hessian = (double[,])gram.Clone();
            for (var t = 0; t < k; t++)
            {
                hessian[t, t] += 1 / (alpha[t] * alpha[t]);
            }

            var step = SmallLinearAlgebra.Solve(hessian, gradient.Select(g => -g).ToArray());
            if (step is null)
            {
                break;
            }

            var size = 1.0;
            var current = Objective(alpha);
            while (size > 1e-12)
            {
                var candidate = alpha.Select((a, t) => a + (size * step[t])).ToArray();
                if (candidate.All(a => a > 0) && Objective(candidate) <= current)
                {
                    alpha = candidate;
                    break;
                }

                size /= 2;
            }

            if (size <= 1e-12)
            {
                break;
            }
        }

        return alpha;
    }
}
