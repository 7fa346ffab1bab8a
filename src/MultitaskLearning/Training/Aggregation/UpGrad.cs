namespace MultitaskLearning.Training.Aggregation;

/// <summary>
/// UPGrad of Quinton and Rey, "Jacobian Descent for Multi-Objective Optimization" (2024, TorchJD): every task
/// gradient g_i is projected onto the dual cone of the task gradients, {x : g_t·x ≥ 0 for all t}, and the projections
/// are averaged. In weights: λ⁽ⁱ⁾ = argmin_{λ ≥ e_i} λᵀ G λ (the dual of the projection), w = (1/k) Σ_i λ⁽ⁱ⁾,
/// update = Σ_t w_t g_t. The update never conflicts with a task (g_t·update ≥ 0).
/// Solver: accelerated projected gradient on each box-constrained problem, at most <see cref="MaxIterations"/>
/// steps, stopping when λ changes by less than <see cref="Tolerance"/> (L1).
/// </summary>
public sealed class UpGrad : GramAggregator
{
    /// <summary>Iteration cap of each projection (10,000).</summary>
    public int MaxIterations => 10_000;

    /// <summary>Stopping tolerance (1e−12).</summary>
    public double Tolerance => 1e-12;

    /// <inheritdoc/>
    public override string Name => "upgrad";

    /// <inheritdoc/>
    public override double[] Weights(double[,] gram, AggregationContext context)
    {
        ArgumentNullException.ThrowIfNull(gram);
        ArgumentNullException.ThrowIfNull(context);
        var k = gram.GetLength(0);
        var weights = new double[k];
        for (var i = 0; i < k; i++)
        {
            var lower = new double[k];
            lower[i] = 1;
            var lambda = SmallLinearAlgebra.MinimizeQuadratic(gram, lower, v => v.Select((x, j) => Math.Max(x, lower[j])).ToArray(), MaxIterations, Tolerance);
            for (var t = 0; t < k; t++)
            {
                weights[t] += lambda[t] / k;
            }
        }

        return weights;
    }
}
