namespace MultitaskLearning.Models;

/// <summary>Layer sizes, activation and dropout of a multitask network. The same options configure all three
/// families, so a shared-trunk model and its task-specific baseline have the same per-task capacity.</summary>
public sealed class ArchitectureOptions
{
    /// <summary>Hidden sizes of the trunk (shared in <see cref="ModelFamily.SharedTrunk"/> and <see cref="ModelFamily.Hybrid"/>,
    /// one copy per task in <see cref="ModelFamily.TaskSpecific"/>).</summary>
    /// <value>Default [64, 32]. Every size ≥ 1; may be empty (heads read the encoder output).</value>
    public IReadOnlyList<int> TrunkLayers { get; set; } = [64, 32];

    /// <summary>Hidden sizes of each task's tower in <see cref="ModelFamily.Hybrid"/> (ignored by the other families).</summary>
    /// <value>Default [16]. Every size ≥ 1.</value>
    public IReadOnlyList<int> TowerLayers { get; set; } = [16];

    /// <summary>Shared experts of the <see cref="ModelFamily.Mmoe"/> and <see cref="ModelFamily.Cgc"/> families; each
    /// expert has the <see cref="TrunkLayers"/>.</summary>
    /// <value>Default 4. At least 1.</value>
    public int Experts { get; set; } = 4;

    /// <summary>Experts of each task's own in the <see cref="ModelFamily.Cgc"/> family.</summary>
    /// <value>Default 1. At least 1.</value>
    public int TaskExperts { get; set; } = 1;

    /// <summary>The non-linearity after every hidden layer.</summary>
    /// <value>Default <see cref="Activation.ReLU"/>.</value>
    public Activation Activation { get; set; } = Activation.ReLU;

    /// <summary>Dropout probability after every hidden layer during training.</summary>
    /// <value>Default 0. In [0, 1).</value>
    public double Dropout { get; set; }

    /// <summary>A copy of these options.</summary>
    /// <returns>The copy.</returns>
    public ArchitectureOptions Clone() => new()
    {
        TrunkLayers = TrunkLayers.ToArray(),
        TowerLayers = TowerLayers.ToArray(),
        Experts = Experts,
        TaskExperts = TaskExperts,
        Activation = Activation,
        Dropout = Dropout,
    };

    internal IEnumerable<string> Validate()
    {
        if (TrunkLayers is null || TrunkLayers.Any(s => s < 1))
        {
            yield return $"{nameof(TrunkLayers)} must be sizes >= 1. Got [{string.Join(", ", TrunkLayers ?? [])}] instead.";
        }

        if (TowerLayers is null || TowerLayers.Any(s => s < 1))
        {
            yield return $"{nameof(TowerLayers)} must be sizes >= 1. Got [{string.Join(", ", TowerLayers ?? [])}] instead.";
        }

        if (Experts < 1 || TaskExperts < 1)
        {
            yield return $"{nameof(Experts)} and {nameof(TaskExperts)} must be >= 1. Got {Experts} and {TaskExperts} instead.";
        }

        if (!Enum.IsDefined(Activation))
        {
            yield return $"{nameof(Activation)} is not a known activation. Got {Activation} instead.";
        }

        if (!(Dropout >= 0 && Dropout < 1))
        {
            yield return $"{nameof(Dropout)} must be in [0, 1). Got {Dropout} instead.";
        }
    }
}
