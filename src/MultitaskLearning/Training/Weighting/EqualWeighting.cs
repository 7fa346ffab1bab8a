using MultitaskLearning.Tasks;
using static TorchSharp.torch;

namespace MultitaskLearning.Training.Weighting;

/// <summary>Equal weights, L = Σ_t L_t, ignoring the tasks' α (the usual "EW" baseline of LibMTL).</summary>
public sealed class EqualWeighting : LossWeighting
{
    /// <inheritdoc/>
    public override string Name => "equal";

    /// <inheritdoc/>
    public override LossWeightingState CreateState(IReadOnlyList<TaskDefinition> tasks, Device device)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        return new ConstantWeightsState(Enumerable.Repeat(1.0, tasks.Count).ToArray(), device);
    }
}
