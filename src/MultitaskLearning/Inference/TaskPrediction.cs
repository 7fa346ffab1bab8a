using MultitaskLearning.Tasks;

namespace MultitaskLearning.Inference;

/// <summary>One task's prediction for one sample, as plain .NET values.</summary>
public sealed record TaskPrediction
{
    /// <summary>The task name.</summary>
    public required string TaskName { get; init; }

    /// <summary>The task kind, which says which of the other properties are set.</summary>
    public required TaskKind Kind { get; init; }

    /// <summary>Multiclass and binary: the predicted label (argmax, or positive when its probability ≥ 0.5).</summary>
    public string? Label { get; init; }

    /// <summary>Multiclass and binary: the predicted class index.</summary>
    public int? ClassIndex { get; init; }

    /// <summary>Classification: the probability of each label (binary: both classes; multi-label: each label independently).</summary>
    public IReadOnlyDictionary<string, double>? Probabilities { get; init; }

    /// <summary>Multi-label: the labels with probability ≥ 0.5.</summary>
    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>Regression: the predicted values in the original units.</summary>
    public IReadOnlyList<double>? Values { get; init; }

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        TaskKind.Regression => $"{TaskName}: {string.Join(", ", Values!.Select(v => v.ToString("G4", System.Globalization.CultureInfo.InvariantCulture)))}",
        TaskKind.MultiLabel => $"{TaskName}: [{string.Join(", ", Labels!)}]",
        TaskKind.Multiclass or TaskKind.Binary => $"{TaskName}: {Label} (p = {Probabilities![Label!].ToString("F3", System.Globalization.CultureInfo.InvariantCulture)})",
        _ => $"{TaskName}: ({Kind})",
    };
}
