using System.Collections.ObjectModel;

namespace MultitaskLearning.Tasks;

/// <summary>An ordered, immutable set of string labels ("hello", "i am", …) mapped to class indices 0…n−1 and back.</summary>
public sealed class LabelVocabulary : IEquatable<LabelVocabulary>
{
    private readonly string[] labels;
    private readonly Dictionary<string, int> indices;

    /// <summary>Creates a vocabulary whose label i has class index i.</summary>
    /// <param name="labels">The labels, in class-index order. Each must be non-empty and unique (ordinal comparison).</param>
    /// <exception cref="ArgumentException">The list is empty, or a label is empty or repeated.</exception>
    public LabelVocabulary(IEnumerable<string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        this.labels = labels.ToArray();
        if (this.labels.Length == 0)
        {
            throw new ArgumentException("A label vocabulary needs at least one label.", nameof(labels));
        }

        indices = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < this.labels.Length; i++)
        {
            var label = this.labels[i];
            if (string.IsNullOrEmpty(label))
            {
                throw new ArgumentException($"Label {i} of the vocabulary is empty.", nameof(labels));
            }

            if (!indices.TryAdd(label, i))
            {
                throw new ArgumentException(
                    $"Label '{label}' appears twice in the vocabulary (indices {indices[label]} and {i}).", nameof(labels));
            }
        }
    }

    /// <summary>The labels in class-index order.</summary>
    public IReadOnlyList<string> Labels => new ReadOnlyCollection<string>(labels);

    /// <summary>The number of labels.</summary>
    public int Count => labels.Length;

    /// <summary>Creates a vocabulary from the distinct labels found in data, sorted ordinally so the result does not
    /// depend on row order.</summary>
    /// <param name="observed">Labels as they occur; <see langword="null"/> or empty entries (missing labels) are ignored.</param>
    /// <returns>The vocabulary.</returns>
    public static LabelVocabulary FromObserved(IEnumerable<string?> observed)
    {
        ArgumentNullException.ThrowIfNull(observed);
        return new LabelVocabulary(observed.Where(l => !string.IsNullOrEmpty(l)).Select(l => l!)
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
    }

    /// <summary>The class index of a label.</summary>
    /// <param name="label">The label.</param>
    /// <returns>Its index.</returns>
    /// <exception cref="KeyNotFoundException">The label is not in the vocabulary; the message lists the known labels.</exception>
    public int IndexOf(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        if (indices.TryGetValue(label, out var index))
        {
            return index;
        }

        throw new KeyNotFoundException($"Label '{label}' is not in the vocabulary [{Describe()}].");
    }

    /// <summary>Looks up a label's class index without throwing.</summary>
    /// <param name="label">The label.</param>
    /// <param name="index">The index when found.</param>
    /// <returns><see langword="true"/> when the label is known.</returns>
    public bool TryGetIndex(string label, out int index) => indices.TryGetValue(label, out index);

    /// <summary>The label of a class index.</summary>
    /// <param name="index">A class index in [0, <see cref="Count"/>).</param>
    /// <returns>The label.</returns>
    public string LabelOf(int index)
    {
        if ((uint)index >= (uint)labels.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Class index must be in [0, {labels.Length}).");
        }

        return labels[index];
    }

    /// <summary>The labels as a comma-separated list, shortened after 20 entries.</summary>
    /// <returns>A short description for messages.</returns>
    public string Describe() => labels.Length <= 20
        ? string.Join(", ", labels.Select(l => $"'{l}'"))
        : string.Join(", ", labels.Take(20).Select(l => $"'{l}'")) + $", … ({labels.Length} labels)";

    /// <inheritdoc/>
    public bool Equals(LabelVocabulary? other) => other is not null && labels.SequenceEqual(other.labels, StringComparer.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as LabelVocabulary);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var label in labels)
        {
            hash.Add(label, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc/>
    public override string ToString() => $"LabelVocabulary[{Describe()}]";
}
