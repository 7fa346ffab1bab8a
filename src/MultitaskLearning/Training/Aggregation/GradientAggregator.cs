using static TorchSharp.torch;

namespace MultitaskLearning.Training.Aggregation;

/// <summary>
/// A gradient-aggregation strategy ("gradient surgery"): combines the per-task gradients of the shared parameters
/// into one update direction. Task-specific parameters keep their own task's gradient. Usable on its own on any
/// k × d gradient matrix.
/// </summary>
public abstract class GradientAggregator
{
    /// <summary>The stable kebab-case name used in reports.</summary>
    public abstract string Name { get; }

    /// <summary>Combines task gradients.</summary>
    /// <param name="taskGradients">A matrix [k, d]: row t is the (weighted) gradient of task t's loss w.r.t. the shared parameters.</param>
    /// <param name="taskLosses">The k task losses of the step (used by loss-normalised methods); <see langword="null"/> when unknown.</param>
    /// <param name="random">The random source for randomised methods (a trainer passes its seeded generator).</param>
    /// <returns>The combined gradient [d].</returns>
    public abstract AggregationResult Aggregate(Tensor taskGradients, IReadOnlyList<double>? taskLosses, Random random);
}
