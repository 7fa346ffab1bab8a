using MultitaskLearning.Tasks;

namespace MultitaskLearning.Evaluation;

/// <summary>The metrics of one task on one dataset.</summary>
/// <param name="Task">The task.</param>
/// <param name="SampleCount">The number of labelled samples the metrics were computed on.</param>
/// <param name="Metrics">Metric values (NaN where undefined).</param>
public sealed record TaskEvaluation(TaskDefinition Task, int SampleCount, IReadOnlyDictionary<MetricKind, double> Metrics)
{
    /// <summary>A metric's value.</summary>
    /// <param name="metric">The metric.</param>
    /// <returns>The value.</returns>
    /// <exception cref="KeyNotFoundException">The task does not report that metric.</exception>
    public double this[MetricKind metric] => Metrics.TryGetValue(metric, out var value)
        ? value
        : throw new KeyNotFoundException($"Task '{Task.Name}' does not report {metric.ToName()}; it reports {string.Join(", ", Metrics.Keys.Select(m => m.ToName()))}.");
}
