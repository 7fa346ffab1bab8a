using MultitaskLearning.Tasks;
using static TorchSharp.torch;

namespace MultitaskLearning.Training.Weighting;

/// <summary>
/// The specification's weighted sum L = Σ_t α_t L_t with each task's fixed <see cref="TaskDefinition.Weight"/> α_t
/// (or explicit weights). With every α_t = 1 this is the plain sum L = Σ_t L_t of hard parameter sharing.
/// </summary>
public sealed class FixedWeighting : LossWeighting
{
    private readonly IReadOnlyDictionary<string, double>? overrides;

    /// <summary>Uses each task's <see cref="TaskDefinition.Weight"/>.</summary>
    public FixedWeighting()
    {
    }

    /// <summary>Uses explicit weights by task name (tasks not named keep their definition's weight).</summary>
    /// <param name="weights">Weights, finite and ≥ 0.</param>
    public FixedWeighting(IReadOnlyDictionary<string, double> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        foreach (var (task, weight) in weights)
        {
            if (!double.IsFinite(weight) || weight < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(weights), weight, $"Task '{task}': weight must be finite and >= 0. Got {weight} instead.");
            }
        }

        overrides = new Dictionary<string, double>(weights, StringComparer.Ordinal);
    }

    /// <summary>The explicit weights by task name; empty when every task keeps its definition's weight.</summary>
    public IReadOnlyDictionary<string, double> Weights => overrides ?? new Dictionary<string, double>();

    /// <inheritdoc/>
    public override string Name => "fixed";

    /// <inheritdoc/>
    public override LossWeightingState CreateState(IReadOnlyList<TaskDefinition> tasks, Device device)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        return new ConstantWeightsState(tasks.Select(t => overrides is not null && overrides.TryGetValue(t.Name, out var w) ? w : t.Weight).ToArray(), device);
    }
}
