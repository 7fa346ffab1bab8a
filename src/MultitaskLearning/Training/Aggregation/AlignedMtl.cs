namespace MultitaskLearning.Training.Aggregation;

/// <summary>
/// Aligned-MTL of Senushkin et al., "Independent Component Alignment for Multi-Task Learning" (CVPR 2023): the task
/// gradients G (k × d) are replaced by Ĝ = σ V Λ^(−1/2) Vᵀ G, where G Gᵀ = V Λ Vᵀ and σ = √λ_min, so Ĝ Ĝᵀ = σ² I —
/// orthogonal task gradients of equal norm (condition number 1), on the scale of the weakest direction. The update
/// is Σ_t ĝ_t (equal task weights). Eigenvalues below 1e−12·λ_max are treated as zero (their directions are dropped).
/// </summary>
public sealed class AlignedMtl : GramAggregator
{
    /// <inheritdoc/>
    public override string Name => "aligned-mtl";

    /// <inheritdoc/>
    public override double[] Weights(double[,] gram, AggregationContext context)
    {
        var b = AlignmentMatrix(gram);
        var k = gram.GetLength(0);
        var weights = new double[k];
        for (var t = 0; t < k; t++)
        {
            for (var i = 0; i < k; i++)
            {
                weights[t] += b[i, t];
            }
        }

        return weights;
    }

    /// <summary>B = σ V Λ^(−1/2) Vᵀ, with Ĝ = B G.</summary>
    internal static double[,] AlignmentMatrix(double[,] gram)
    {
        ArgumentNullException.ThrowIfNull(gram);
        var k = gram.GetLength(0);
        var (values, vectors) = SmallLinearAlgebra.SymmetricEigen(gram);
        var largest = values.Max();
        var kept = Enumerable.Range(0, k).Where(i => values[i] > 1e-12 * Math.Max(largest, 1e-300)).ToArray();
        var b = new double[k, k];
        if (kept.Length == 0)
        {
            return b;
        }

        var sigma = Math.Sqrt(kept.Min(i => values[i]));
        for (var r = 0; r < k; r++)
        {
            for (var c = 0; c < k; c++)
            {
                b[r, c] = sigma * kept.Sum(i => vectors[r, i] * vectors[c, i] / Math.Sqrt(values[i]));
            }
        }

        return b;
    }
}
