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

    /// <summary>Whether the aggregator may be given gradients with respect to the shared representation instead of the
    /// shared parameters (<see cref="AggregationSpace.SharedRepresentation"/>). It must then output task weights that
    /// the trainer applies in one backward pass: true for MGDA (its upper bound, Sener and Koltun 2018).</summary>
    public virtual bool SupportsRepresentationGradients => false;

    /// <summary>Combines task gradients.</summary>
    /// <param name="taskGradients">A matrix [k, d]: row t is the (weighted) gradient of task t's loss w.r.t. the shared parameters.</param>
    /// <param name="context">Random source, losses and task names of the step.</param>
    /// <returns>The combined gradient [d].</returns>
    public abstract AggregationResult Aggregate(Tensor taskGradients, AggregationContext context);

    /// <summary>The aggregator's state that carries from step to step (for example GradVac's targets), for checkpoints.
    /// A trainer clears it at the start of a new run and restores it when resuming one.</summary>
    /// <returns>Named arrays; empty for stateless aggregators.</returns>
    public virtual IReadOnlyDictionary<string, double[]> SaveState() => new Dictionary<string, double[]>();

    /// <summary>Replaces the state with one returned by <see cref="SaveState"/>; an empty dictionary clears it.</summary>
    /// <param name="state">The saved state.</param>
    /// <exception cref="InvalidDataException">The state is not this aggregator's.</exception>
    public virtual void RestoreState(IReadOnlyDictionary<string, double[]> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Count != 0)
        {
            throw new InvalidDataException($"Aggregator '{Name}' is stateless, but the saved state has entries: {string.Join(", ", state.Keys)}.");
        }
    }
}
