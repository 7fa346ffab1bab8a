using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace MultitaskLearning.Inference;

/// <summary>One sample's predictions by task name. Asking for a task the model does not predict from this input throws
/// a <see cref="KeyNotFoundException"/> that names the task and lists the ones there are.</summary>
public sealed class TaskPredictions : IReadOnlyDictionary<string, TaskPrediction>
{
    private readonly Dictionary<string, TaskPrediction> predictions;
    private readonly string inputName;

    internal TaskPredictions(Dictionary<string, TaskPrediction> predictions, string inputName)
    {
        this.predictions = predictions;
        this.inputName = inputName;
    }

    /// <inheritdoc/>
    public int Count => predictions.Count;

    /// <inheritdoc/>
    public IEnumerable<string> Keys => predictions.Keys;

    /// <inheritdoc/>
    public IEnumerable<TaskPrediction> Values => predictions.Values;

    /// <summary>The prediction of a task.</summary>
    /// <param name="key">The task name.</param>
    /// <exception cref="KeyNotFoundException">No task of that name reads this input; the message lists the tasks that do.</exception>
    public TaskPrediction this[string key] => predictions.TryGetValue(key, out var prediction)
        ? prediction
        : throw new KeyNotFoundException($"No prediction for task '{key}': the tasks predicted from input '{inputName}' are {string.Join(", ", predictions.Keys)}.");

    /// <inheritdoc/>
    public bool ContainsKey(string key) => predictions.ContainsKey(key);

    /// <inheritdoc/>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out TaskPrediction value) => predictions.TryGetValue(key, out value);

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, TaskPrediction>> GetEnumerator() => predictions.GetEnumerator();

    /// <inheritdoc/>
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
