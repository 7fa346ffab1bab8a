using MultitaskLearning.Tasks;

namespace MultitaskLearning.Evaluation;

/// <summary>One metric of one task for a multitask model and its baseline.</summary>
/// <param name="TaskName">The task.</param>
/// <param name="Metric">The metric.</param>
/// <param name="Multitask">The multitask model's value M_m.</param>
/// <param name="Baseline">The baseline's value M_b.</param>
public sealed record MetricComparison(string TaskName, MetricKind Metric, double Multitask, double Baseline)
{
    /// <summary>The signed relative change (−1)^l (M_m − M_b) / M_b, where l = 1 when lower is better: positive means
    /// the multitask model is better.</summary>
    public double RelativeGain => (Metric.HigherIsBetter() ? 1 : -1) * (Multitask - Baseline) / Baseline;
}
