namespace MultitaskLearning.Training.Aggregation;

/// <summary>
/// IMTL-G, the gradient half of Impartial Multi-Task Learning (Liu et al., ICLR 2021): the update g = Σ_t α_t g_t
/// with Σ_t α_t = 1 whose projections onto every task's unit gradient u_t = g_t/‖g_t‖ are equal. With
/// D = [g_1 − g_t]ᵀ and U = [u_1 − u_t]ᵀ (t = 2…k), α_{2..k} = g_1 Uᵀ (D Uᵀ)⁻¹ and α_1 = 1 − Σ_{t≥2} α_t; computed from
/// the Gram matrix. When D Uᵀ is singular (parallel gradients) the update falls back to the mean gradient.
/// </summary>
public sealed class ImtlG : GramAggregator
{
    /// <inheritdoc/>
    public override string Name => "imtl-g";

    /// <inheritdoc/>
    public override double[] Weights(double[,] gram, AggregationContext context)
    {
        ArgumentNullException.ThrowIfNull(gram);
        ArgumentNullException.ThrowIfNull(context);
        var k = gram.GetLength(0);
        if (k == 1)
        {
            return [1];
        }

        var norm = Enumerable.Range(0, k).Select(t => Math.Sqrt(Math.Max(gram[t, t], 1e-300))).ToArray();

        // (D Uᵀ)_ij = (g_1 − g_{i+1})·(u_1 − u_{j+1}); (g_1 Uᵀ)_j = g_1·(u_1 − u_{j+1}); g_a·u_b = G_ab / ‖g_b‖.
        double Dot(int a, int b) => gram[a, b] / norm[b];
        var system = new double[k - 1, k - 1];
        var rhs = new double[k - 1];
        for (var i = 0; i < k - 1; i++)
        {
            rhs[i] = Dot(0, 0) - Dot(0, i + 1);
            for (var j = 0; j < k - 1; j++)
            {
                // Transposed, to solve xᵀ (D Uᵀ) = g_1 Uᵀ as (D Uᵀ)ᵀ x = (g_1 Uᵀ)ᵀ.
                system[j, i] = Dot(0, 0) - Dot(0, j + 1) - Dot(i + 1, 0) + Dot(i + 1, j + 1);
            }
        }

        var tail = SmallLinearAlgebra.Solve(system, rhs);
        if (tail is null || tail.Any(v => !double.IsFinite(v)))
        {
            return Enumerable.Repeat(1.0 / k, k).ToArray();
        }

        return [1 - tail.Sum(), .. tail];
    }
}
