using static TorchSharp.torch;

namespace MultitaskLearning.Training.Aggregation;

/// <summary>
/// Gradient sign dropout of Chen et al., "Just Pick a Sign: Optimizing Deep Multitask Models with Gradient Sign
/// Dropout" (NeurIPS 2020). Per coordinate, P = ½ (1 + Σ_t g_t / Σ_t |g_t|) is the positive-sign purity; with
/// U ~ Uniform(0, 1) drawn per coordinate, task t keeps its gradient where (P &gt; U and g_t &gt; 0) or (P &lt; U and
/// g_t &lt; 0); the update is the sum of the kept gradients. Where all tasks agree in sign nothing is dropped.
/// The paper applies it to gradients at a shared activation; here it acts on whatever gradient matrix it is given
/// (the trainer passes shared-parameter gradients).
/// </summary>
public sealed class GradDrop : GradientAggregator
{
    /// <inheritdoc/>
    public override string Name => "graddrop";

    /// <inheritdoc/>
    public override AggregationResult Aggregate(Tensor taskGradients, AggregationContext context)
    {
        ArgumentNullException.ThrowIfNull(taskGradients);
        ArgumentNullException.ThrowIfNull(context);
        if (taskGradients.dim() != 2)
        {
            throw new ArgumentException($"{Name} expects a [k, d] gradient matrix; got shape [{string.Join(", ", taskGradients.shape)}].", nameof(taskGradients));
        }

        using var scope = NewDisposeScope();
        var g = taskGradients.detach();
        var absolute = g.abs().sum(0L);
        var purity = (1 + (g.sum(0L) / absolute.clamp_min(1e-30))) * 0.5;
        using var generator = new Generator((ulong)context.Random.NextInt64(), taskGradients.device);
        var uniform = rand(purity.shape, generator: generator, device: taskGradients.device, dtype: purity.dtype);
        var keepPositive = purity.gt(uniform).unsqueeze(0) & g.gt(0);
        var keepNegative = purity.lt(uniform).unsqueeze(0) & g.lt(0);
        var kept = (keepPositive | keepNegative).to(g.dtype);
        return new AggregationResult((g * kept).sum(0L).MoveToOuterDisposeScope(), null);
    }
}
