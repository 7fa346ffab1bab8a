using MultitaskLearning.Tasks;

namespace MultitaskLearning.Training;

/// <summary>The validation quantity that early stopping and "best" checkpoints watch.</summary>
public sealed record MonitoredMetric
{
    private MonitoredMetric(string? taskName, MetricKind? metric)
    {
        TaskName = taskName;
        Metric = metric;
    }

    /// <summary>The validation loss Σ_t α_t L_t (lower is better).</summary>
    public static MonitoredMetric ValidationLoss { get; } = new(null, null);

    /// <summary>The task the metric belongs to; <see langword="null"/> for a mean over tasks or the loss.</summary>
    public string? TaskName { get; }

    /// <summary>The metric; <see langword="null"/> for the validation loss.</summary>
    public MetricKind? Metric { get; }

    /// <summary>Whether larger values are better.</summary>
    public bool HigherIsBetter => Metric?.HigherIsBetter() ?? false;

    /// <summary>The mean of a metric over the tasks that report it.</summary>
    /// <param name="metric">The metric.</param>
    /// <returns>The monitored quantity.</returns>
    public static MonitoredMetric Mean(MetricKind metric) => new(null, metric);

    /// <summary>One task's metric.</summary>
    /// <param name="taskName">The task.</param>
    /// <param name="metric">The metric.</param>
    /// <returns>The monitored quantity.</returns>
    public static MonitoredMetric ForTask(string taskName, MetricKind metric)
    {
        ArgumentException.ThrowIfNullOrEmpty(taskName);
        return new(taskName, metric);
    }

    /// <inheritdoc/>
    public override string ToString() => Metric is null ? "validation loss" : TaskName is null ? $"mean {Metric.Value.ToName()}" : $"{TaskName}/{Metric.Value.ToName()}";
}
