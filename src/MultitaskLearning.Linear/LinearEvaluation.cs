namespace MultitaskLearning.Linear;

/// <summary>Metrics of a linear model on a problem's data: per task and pooled over all tasks' rows.</summary>
/// <param name="Tasks">Metric values by task name, then metric name (mse, explained-variance; accuracy, auc).</param>
/// <param name="Pooled">The same metrics over the pooled rows of all tasks (explained variance with one pooled mean).</param>
public sealed record LinearEvaluation(
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Tasks,
    IReadOnlyDictionary<string, double> Pooled);
