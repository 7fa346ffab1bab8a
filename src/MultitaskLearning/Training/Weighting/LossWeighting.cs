using MultitaskLearning.Tasks;
using static TorchSharp.torch;

namespace MultitaskLearning.Training.Weighting;

/// <summary>
/// A loss-weighting strategy: decides, every step, how much each task's loss L_t counts in the total loss.
/// Strategies are immutable descriptions; <see cref="CreateState"/> makes the per-run state (learnable parameters,
/// loss history) that a trainer owns and disposes.
/// </summary>
public abstract class LossWeighting
{
    /// <summary>The stable kebab-case name used in reports.</summary>
    public abstract string Name { get; }

    /// <summary>Creates the state for one training run.</summary>
    /// <param name="tasks">The tasks, in the order of the loss vectors passed to <see cref="LossWeightingState.Combine"/>.</param>
    /// <param name="device">The device of the losses.</param>
    /// <returns>The state; the caller disposes it.</returns>
    public abstract LossWeightingState CreateState(IReadOnlyList<TaskDefinition> tasks, Device device);
}
