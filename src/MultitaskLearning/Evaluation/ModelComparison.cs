using MultitaskLearning.Tasks;

namespace MultitaskLearning.Evaluation;

/// <summary>
/// A multitask model against a baseline (usually its single-task counterpart) on the same data: the per-task relative
/// change of every metric and the mean relative gain Δm of Maninis et al. (2019) as used by LibMTL,
/// Δm = (1/T) Σ_t (1/|M_t|) Σ_m (−1)^{l_m} (M_{m,t} − M_{b,t}) / M_{b,t}, with l_m = 1 when lower is better.
/// Positive Δm means the multitask model is better on average.
/// </summary>
public sealed class ModelComparison
{
    private ModelComparison(IReadOnlyList<MetricComparison> metrics, double meanRelativeGain)
    {
        Metrics = metrics;
        MeanRelativeGain = meanRelativeGain;
    }

    /// <summary>Every compared metric of every task.</summary>
    public IReadOnlyList<MetricComparison> Metrics { get; }

    /// <summary>Δm, as a fraction (0.05 = 5 % better on average).</summary>
    public double MeanRelativeGain { get; }

    /// <summary>Compares two reports over the tasks and metrics they share.</summary>
    /// <param name="multitask">The multitask model's report.</param>
    /// <param name="baseline">The baseline's report.</param>
    /// <param name="metrics">Metrics to include; <see langword="null"/> for all shared metrics.</param>
    /// <returns>The comparison.</returns>
    /// <exception cref="ArgumentException">The reports share no task and metric.</exception>
    public static ModelComparison Compare(EvaluationReport multitask, EvaluationReport baseline, IEnumerable<MetricKind>? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(multitask);
        ArgumentNullException.ThrowIfNull(baseline);
        var allowed = metrics?.ToHashSet();
        var comparisons = new List<MetricComparison>();
        var perTask = new List<double>();
        foreach (var (name, evaluation) in multitask.Tasks)
        {
            if (!baseline.Tasks.TryGetValue(name, out var other))
            {
                continue;
            }

            var taskGains = new List<double>();
            foreach (var (metric, value) in evaluation.Metrics)
            {
                if ((allowed is not null && !allowed.Contains(metric)) || !other.Metrics.TryGetValue(metric, out var baseValue))
                {
                    continue;
                }

                var comparison = new MetricComparison(name, metric, value, baseValue);
                comparisons.Add(comparison);
                if (double.IsFinite(comparison.RelativeGain))
                {
                    taskGains.Add(comparison.RelativeGain);
                }
            }

            if (taskGains.Count > 0)
            {
                perTask.Add(taskGains.Average());
            }
        }

        if (comparisons.Count == 0)
        {
            throw new ArgumentException("The two reports share no task and metric to compare.", nameof(baseline));
        }

        return new ModelComparison(comparisons, perTask.Count == 0 ? double.NaN : perTask.Average());
    }
}
