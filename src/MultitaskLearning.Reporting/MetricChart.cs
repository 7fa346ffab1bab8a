using ScottPlot;
using MultitaskLearning.Tasks;
using MultitaskLearning.Training;

namespace MultitaskLearning.Reporting;

/// <summary>A run's validation metrics per epoch, in up to two charts: the scores where higher is better (accuracy,
/// F1, R², …) and the errors where lower is better (MSE, MAE). Colour is the task, line pattern the metric.</summary>
internal static class MetricChart
{
    public static IEnumerable<ReportImage> Render(string fileStem, string run, TrainingHistory history, ChartSettings settings)
    {
        var metrics = HistoryData.Metrics(history);
        var scores = metrics.Where(m => m.HigherIsBetter()).ToArray();
        var errors = metrics.Where(m => !m.HigherIsBetter()).ToArray();
        if (scores.Length > 0)
        {
            yield return Render($"{fileStem}-scores.png", run, history, scores, "validation score (higher is better)", settings);
        }

        if (errors.Length > 0)
        {
            yield return Render($"{fileStem}-errors.png", run, history, errors, "validation error (lower is better)", settings);
        }
    }

    private static ReportImage Render(string fileName, string run, TrainingHistory history, IReadOnlyList<MetricKind> metrics, string yLabel, ChartSettings settings)
    {
        var names = string.Join(", ", metrics.Select(m => m.ToName()));
        var plot = ChartStyle.Create(settings.FontFamily, $"{ChartStyle.Shorten(run, 40)}: validation {names}", "epoch", yLabel);
        CurvePlotting.UseEpochAxis(plot);
        var xs = HistoryData.Epochs(history);
        var tasks = HistoryData.MetricTasks(history).Where(t => metrics.Any(m => HistoryData.Metric(history, t, m).Any(double.IsFinite))).ToArray();
        string description;
        if (tasks.Length <= settings.MaxTaskCurves)
        {
            for (var t = 0; t < tasks.Length; t++)
            {
                for (var m = 0; m < metrics.Count; m++)
                {
                    var values = HistoryData.Metric(history, tasks[t], metrics[m]);
                    var legend = metrics.Count == 1 ? ChartStyle.Shorten(tasks[t]) : $"{ChartStyle.Shorten(tasks[t])} {metrics[m].ToName()}";
                    CurvePlotting.AddLine(plot, xs, values, ChartStyle.Colour(t), legend, CurvePlotting.Patterns[m % CurvePlotting.Patterns.Length]);
                }
            }

            description = metrics.Count == 1 ? "one line per task" : "colour is the task, line pattern the metric";
        }
        else
        {
            for (var m = 0; m < metrics.Count; m++)
            {
                var metric = metrics[m];
                var perEpoch = history.Epochs.Select(e => tasks.Select(t => HistoryData.Metric(e, t, metric))).ToArray();
                CurvePlotting.AddSpread(plot, xs, perEpoch, ChartStyle.Colour(m), $"{metric.ToName()}, median of {tasks.Length} tasks", LinePattern.Solid);
            }

            description = $"the median over the {tasks.Length} tasks with a band from the 10th to the 90th percentile of the tasks";
        }

        CurvePlotting.AddBestEpoch(plot, history.BestEpoch);
        plot.ShowLegend(metrics[0].HigherIsBetter() ? Alignment.LowerRight : Alignment.UpperRight);
        var caption = $"Validation {names} per epoch ({description}); the dotted line is the best epoch ({history.BestEpoch}).";
        return new ReportImage(fileName, $"{run}: validation {names}", caption, ChartStyle.RenderPng(plot, settings.Width, settings.Height), settings.Width, settings.Height);
    }
}
