using MultitaskLearning.Tasks;

namespace MultitaskLearning.Evaluation;

/// <summary>Computes a task's metrics from its <see cref="TaskOutputs"/>.</summary>
public static class MetricCalculator
{
    /// <summary>Computes every metric listed in the task definition.</summary>
    /// <param name="outputs">Predictions and targets of one task.</param>
    /// <returns>Metric values by metric (NaN where undefined, for example no labelled rows).</returns>
    public static IReadOnlyDictionary<MetricKind, double> Compute(TaskOutputs outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        var task = outputs.Task;
        var result = new Dictionary<MetricKind, double>();
        foreach (var metric in task.Metrics)
        {
            result[metric] = task.Kind switch
            {
                TaskKind.Regression => Regression(metric, outputs),
                TaskKind.MultiLabel => MultiLabel(metric, outputs),
                TaskKind.Multiclass or TaskKind.Binary => SingleLabel(metric, outputs),
                _ => throw new ArgumentOutOfRangeException(nameof(outputs), task.Kind, "Unknown task kind."),
            };
        }

        return result;
    }

    private static double SingleLabel(MetricKind metric, TaskOutputs outputs)
    {
        var truth = outputs.Targets.Select(t => (int)t).ToArray();
        var predicted = outputs.PredictedClasses();
        if (metric == MetricKind.Accuracy)
        {
            return ClassificationMetrics.Accuracy(truth, predicted);
        }

        if (truth.Length == 0)
        {
            return double.NaN;
        }

        var (precision, recall, f1) = outputs.Task.Kind == TaskKind.Binary
            ? ClassificationMetrics.ForClass(truth, predicted, 1)
            : ClassificationMetrics.Macro(truth, predicted);
        return metric switch
        {
            MetricKind.Precision => precision,
            MetricKind.Recall => recall,
            MetricKind.MacroF1 => f1,
            _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, $"Metric {metric} does not apply to a {outputs.Task.Kind} task."),
        };
    }

    private static double MultiLabel(MetricKind metric, TaskOutputs outputs)
    {
        var width = outputs.Task.OutputSize;
        if (outputs.Count == 0)
        {
            return double.NaN;
        }

        var truth = new int[outputs.Count];
        var predicted = new int[outputs.Count];
        double sum = 0;
        for (var label = 0; label < width; label++)
        {
            for (var i = 0; i < outputs.Count; i++)
            {
                truth[i] = outputs.Targets[(i * width) + label] >= 0.5f ? 1 : 0;
                predicted[i] = outputs.Scores[(i * width) + label] >= 0.5f ? 1 : 0;
            }

            var (precision, recall, f1) = ClassificationMetrics.ForClass(truth, predicted, 1);
            sum += metric switch
            {
                MetricKind.Accuracy => ClassificationMetrics.Accuracy(truth, predicted),
                MetricKind.Precision => precision,
                MetricKind.Recall => recall,
                MetricKind.MacroF1 => f1,
                _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Metric does not apply to a multi-label task."),
            };
        }

        return sum / width;
    }

    private static double Regression(MetricKind metric, TaskOutputs outputs)
    {
        var width = outputs.Task.OutputSize;
        if (outputs.Count == 0)
        {
            return double.NaN;
        }

        double sum = 0;
        for (var j = 0; j < width; j++)
        {
            var truth = Enumerable.Range(0, outputs.Count).Select(i => (double)outputs.Targets[(i * width) + j]).ToArray();
            var predicted = Enumerable.Range(0, outputs.Count).Select(i => (double)outputs.Scores[(i * width) + j]).ToArray();
            sum += metric switch
            {
                MetricKind.MeanSquaredError => RegressionMetrics.MeanSquaredError(truth, predicted),
                MetricKind.MeanAbsoluteError => RegressionMetrics.MeanAbsoluteError(truth, predicted),
                MetricKind.RSquared => RegressionMetrics.RSquared(truth, predicted),
                MetricKind.ExplainedVariance => RegressionMetrics.ExplainedVariance(truth, predicted),
                _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Metric does not apply to a regression task."),
            };
        }

        return sum / width;
    }
}
