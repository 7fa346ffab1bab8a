using System.Globalization;
using System.Text.RegularExpressions;
using MultitaskLearning.Tasks;

namespace MultitaskLearning.Data;

/// <summary>
/// Turns per-file label fields (from file names, manifests or folder names) into a task's labels, for adapters. Text
/// is normalised first when asked: trimmed, lower-cased (invariant culture), runs of white space collapsed to one
/// space, and leading or trailing punctuation removed ("  Thank you! " → "thank you").
/// </summary>
public static partial class FieldLabels
{
    /// <summary>The default text normalisation.</summary>
    /// <param name="text">Raw text.</param>
    /// <returns>The normalised text.</returns>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var collapsed = Whitespace().Replace(text.Trim().ToLowerInvariant(), " ");
        return collapsed.Trim(' ', '.', ',', '!', '?', ';', ':', '"', '\'', '。', '，', '！', '？');
    }

    /// <summary>Checks one field value against a task and returns its label index or value, or a reason it is unusable.</summary>
    /// <param name="task">The task.</param>
    /// <param name="value">The raw field value (<see langword="null"/> or empty for a missing label).</param>
    /// <param name="normalize">The text normalisation to apply before the vocabulary lookup, or <see langword="null"/> for none.</param>
    /// <param name="error">Why the value cannot be used, or <see langword="null"/>.</param>
    /// <returns>The class index or number as a double; NaN for a missing label.</returns>
    public static double Resolve(TaskDefinition task, string? value, Func<string, string>? normalize, out string? error)
    {
        ArgumentNullException.ThrowIfNull(task);
        error = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            return double.NaN;
        }

        if (task.Kind == TaskKind.Regression)
        {
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
            {
                return number;
            }

            error = $"value '{value}' of task '{task.Name}' is not a finite number";
            return double.NaN;
        }

        if (task.Kind == TaskKind.MultiLabel)
        {
            error = $"task '{task.Name}' is multi-label; file fields hold one label";
            return double.NaN;
        }

        var label = normalize is null ? value : normalize(value);
        if (task.Vocabulary is { } vocabulary && vocabulary.TryGetIndex(label, out var index))
        {
            return index;
        }

        error = $"label '{label}' of task '{task.Name}' is not in its vocabulary [{task.Vocabulary?.Describe()}]";
        return double.NaN;
    }

    /// <summary>Builds a label column from resolved values (NaN = missing).</summary>
    /// <param name="task">The task.</param>
    /// <param name="values">Resolved values, one per sample.</param>
    /// <returns>The column.</returns>
    public static LabelColumn ToColumn(TaskDefinition task, IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(values);
        return task.Kind == TaskKind.Regression
            ? LabelColumn.FromValues(values.Select(v => double.IsNaN(v) ? (double?)null : v).ToArray())
            : LabelColumn.FromClassIndices(values.Select(v => double.IsNaN(v) ? (int?)null : (int)v).ToArray());
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
