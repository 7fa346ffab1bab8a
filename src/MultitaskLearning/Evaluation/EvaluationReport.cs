using MultitaskLearning.Tasks;

namespace MultitaskLearning.Evaluation;

/// <summary>Per-task metrics of a model on one dataset, keyed by task name.</summary>
public sealed class EvaluationReport
{
    /// <summary>Creates a report.</summary>
    /// <param name="tasks">The evaluations, one per task.</param>
    public EvaluationReport(IEnumerable<TaskEvaluation> tasks)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        Tasks = tasks.ToDictionary(t => t.Task.Name, StringComparer.Ordinal);
    }

    /// <summary>The evaluations by task name.</summary>
    public IReadOnlyDictionary<string, TaskEvaluation> Tasks { get; }

    /// <summary>The evaluation of one task.</summary>
    /// <param name="taskName">The task name.</param>
    /// <returns>Its evaluation.</returns>
    public TaskEvaluation this[string taskName] => Tasks.TryGetValue(taskName, out var evaluation)
        ? evaluation
        : throw new KeyNotFoundException($"The report has no task '{taskName}'. Tasks: {string.Join(", ", Tasks.Keys)}.");

    /// <summary>The unweighted mean of a metric over the tasks that report it and have a defined value.</summary>
    /// <param name="metric">The metric.</param>
    /// <returns>The mean, or NaN when no task reports it.</returns>
    public double Mean(MetricKind metric)
    {
        var values = Tasks.Values.Where(t => t.Metrics.ContainsKey(metric)).Select(t => t.Metrics[metric]).Where(v => !double.IsNaN(v)).ToArray();
        return values.Length == 0 ? double.NaN : values.Average();
    }

    /// <summary>A plain-text table: one line per task and metric.</summary>
    /// <returns>The table.</returns>
    public override string ToString() => string.Join(
        Environment.NewLine,
        Tasks.Values.SelectMany(t => t.Metrics.Select(m =>
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{t.Task.Name,-24} {m.Key.ToName(),-20} {m.Value,10:F4}  (n={t.SampleCount})"))));
}
