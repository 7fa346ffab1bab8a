using MultitaskLearning.Tasks;
using MultitaskLearning.Training;

namespace MultitaskLearning.Reporting;

/// <summary>What a <see cref="TrainingHistory"/> holds, read the way the charts and tables need it.</summary>
internal static class HistoryData
{
    /// <summary>The epoch numbers, as chart coordinates.</summary>
    public static double[] Epochs(TrainingHistory history) => history.Epochs.Select(e => (double)e.Epoch).ToArray();

    /// <summary>The tasks with a training loss, in the order they first appear.</summary>
    public static IReadOnlyList<string> Tasks(TrainingHistory history) =>
        history.Epochs.SelectMany(e => e.TaskTrainingLosses.Keys).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>Whether any epoch has a validation loss.</summary>
    public static bool HasValidation(TrainingHistory history) => history.Epochs.Any(e => e.ValidationLoss is not null);

    /// <summary>The tasks with validation metrics, in the order they first appear.</summary>
    public static IReadOnlyList<string> MetricTasks(TrainingHistory history) =>
        history.Epochs.Where(e => e.ValidationMetrics is not null).SelectMany(e => e.ValidationMetrics!.Keys).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>The validation metrics reported by any task, in <see cref="MetricKind"/> order.</summary>
    public static IReadOnlyList<MetricKind> Metrics(TrainingHistory history) =>
        history.Epochs.Where(e => e.ValidationMetrics is not null).SelectMany(e => e.ValidationMetrics!.Values.SelectMany(m => m.Keys)).Distinct().Order().ToArray();

    /// <summary>A task's training loss per epoch (NaN where missing).</summary>
    public static double[] TrainingLoss(TrainingHistory history, string task) =>
        history.Epochs.Select(e => e.TaskTrainingLosses.TryGetValue(task, out var v) ? v : double.NaN).ToArray();

    /// <summary>A task's validation metric per epoch (NaN where missing).</summary>
    public static double[] Metric(TrainingHistory history, string task, MetricKind metric) =>
        history.Epochs.Select(e => Metric(e, task, metric)).ToArray();

    /// <summary>A task's validation metric in one epoch, or NaN.</summary>
    public static double Metric(TrainingProgress epoch, string task, MetricKind metric) =>
        epoch.ValidationMetrics is not null && epoch.ValidationMetrics.TryGetValue(task, out var metrics) && metrics.TryGetValue(metric, out var v) ? v : double.NaN;

    /// <summary>The record of the best epoch (the last epoch when <see cref="TrainingHistory.BestEpoch"/> names none).</summary>
    public static TrainingProgress BestEpoch(TrainingHistory history) =>
        history.Epochs.LastOrDefault(e => e.Epoch == history.BestEpoch) ?? history.Epochs[^1];
}
