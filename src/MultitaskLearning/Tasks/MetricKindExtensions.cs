namespace MultitaskLearning.Tasks;

/// <summary>Stable names and directions of <see cref="MetricKind"/> values.</summary>
public static class MetricKindExtensions
{
    /// <summary>The stable kebab-case name used in reports and JSON, for example <c>macro-f1</c>.</summary>
    /// <param name="metric">The metric.</param>
    /// <returns>The metric's name.</returns>
    public static string ToName(this MetricKind metric) => metric switch
    {
        MetricKind.Accuracy => "accuracy",
        MetricKind.MacroF1 => "macro-f1",
        MetricKind.Precision => "precision",
        MetricKind.Recall => "recall",
        MetricKind.MeanSquaredError => "mse",
        MetricKind.MeanAbsoluteError => "mae",
        MetricKind.RSquared => "r2",
        MetricKind.ExplainedVariance => "explained-variance",
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown metric."),
    };

    /// <summary>Parses a name produced by <see cref="ToName"/>.</summary>
    /// <param name="name">The kebab-case name.</param>
    /// <returns>The metric.</returns>
    /// <exception cref="ArgumentException">The name is not a known metric.</exception>
    public static MetricKind ParseMetricName(string name)
    {
        foreach (var metric in Enum.GetValues<MetricKind>())
        {
            if (metric.ToName() == name)
            {
                return metric;
            }
        }

        var known = string.Join(", ", Enum.GetValues<MetricKind>().Select(m => m.ToName()));
        throw new ArgumentException($"Unknown metric '{name}'. Known metrics: {known}.", nameof(name));
    }

    /// <summary>Whether a larger value of the metric is better (accuracy) or worse (mean squared error).</summary>
    /// <param name="metric">The metric.</param>
    /// <returns><see langword="true"/> when higher is better.</returns>
    public static bool HigherIsBetter(this MetricKind metric) =>
        metric is not (MetricKind.MeanSquaredError or MetricKind.MeanAbsoluteError);

    /// <summary>Whether the metric applies to tasks of the given kind.</summary>
    /// <param name="metric">The metric.</param>
    /// <param name="kind">The task kind.</param>
    /// <returns><see langword="true"/> when the metric can be computed for that kind.</returns>
    public static bool AppliesTo(this MetricKind metric, TaskKind kind) => kind == TaskKind.Regression
        ? metric is MetricKind.MeanSquaredError or MetricKind.MeanAbsoluteError or MetricKind.RSquared or MetricKind.ExplainedVariance
        : metric is MetricKind.Accuracy or MetricKind.MacroF1 or MetricKind.Precision or MetricKind.Recall;
}
