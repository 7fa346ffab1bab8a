using static TorchSharp.torch;

namespace MultitaskLearning.Training.Aggregation;

/// <summary>
/// Projecting Conflicting Gradients of Yu et al., "Gradient Surgery for Multi-Task Learning" (NeurIPS 2020).
/// For each task i, start from g_i and, for every other task j in a random (or fixed) order, when g_i^PC · g_j &lt; 0
/// remove the conflicting component: g_i^PC ← g_i^PC − (g_i^PC · g_j / ‖g_j‖²) g_j. The update is Σ_i g_i^PC.
/// </summary>
/// <remarks>Every g_i^PC is a linear combination of the original gradients, so the projections run exactly on the
/// k × k Gram matrix G = g gᵀ (in double precision) and the result costs one k × d product: Σ_i g_i^PC = wᵀ g.</remarks>
public sealed class PCGrad : GramAggregator
{
    /// <summary>Creates the aggregator.</summary>
    /// <param name="randomOrder">Whether each task visits the others in a fresh random order every step (as in the
    /// paper); <see langword="false"/> visits them in task order.</param>
    public PCGrad(bool randomOrder = true)
    {
        RandomOrder = randomOrder;
    }

    /// <summary>Whether the projection order is random.</summary>
    public bool RandomOrder { get; }

    /// <inheritdoc/>
    public override string Name => "pcgrad";

    /// <inheritdoc/>
    public override double[] Weights(double[,] gram, AggregationContext context)
    {
        ArgumentNullException.ThrowIfNull(gram);
        ArgumentNullException.ThrowIfNull(context);
        return CombinationWeights(gram, context.Random);
    }

    /// <summary>The weights w with Σ_i g_i^PC = Σ_m w_m g_m, computed on the k × k Gram matrix.</summary>
    /// <param name="gram">G[i, j] = g_i · g_j.</param>
    /// <param name="random">The source of the visiting orders.</param>
    /// <returns>The weights.</returns>
    internal double[] CombinationWeights(double[,] gram, Random random)
    {
        var k = gram.GetLength(0);
        var weights = new double[k];
        var coefficients = new double[k];
        var order = new int[k];
        for (var i = 0; i < k; i++)
        {
            // g_i^PC = Σ_m coefficients[m] g_m, starting from g_i.
            Array.Clear(coefficients);
            coefficients[i] = 1;
            for (var m = 0; m < k; m++)
            {
                order[m] = m;
            }

            if (RandomOrder)
            {
                random.Shuffle(order);
            }

            foreach (var j in order)
            {
                if (j == i || gram[j, j] <= 0)
                {
                    continue;
                }

                double dot = 0;
                for (var m = 0; m < k; m++)
                {
                    dot += coefficients[m] * gram[m, j];
                }

                if (dot < 0)
                {
                    coefficients[j] -= dot / gram[j, j];
                }
            }

            for (var m = 0; m < k; m++)
            {
                weights[m] += coefficients[m];
            }
        }

        return weights;
    }
}
