using MultitaskLearning.Training;
using ScottPlot;

namespace MultitaskLearning.Reporting;

/// <summary>A run's losses per epoch: each task's training loss, the weighted total training loss and the weighted
/// validation loss, and the best epoch. With more tasks than <see cref="ChartSettings.MaxTaskCurves"/>, the tasks are
/// summarised by their median and percentile band, and the weighted totals (many times a task's loss) get the right-hand
/// axis.</summary>
internal static class LossChart
{
    public static ReportImage Render(string fileName, string run, TrainingHistory history, ChartSettings settings)
    {
        var xs = HistoryData.Epochs(history);
        var tasks = HistoryData.Tasks(history);
        var spread = tasks.Count > settings.MaxTaskCurves;
        var plot = ChartStyle.Create(settings.FontFamily, $"{ChartStyle.Shorten(run, 48)}: loss per epoch", "epoch", spread ? "task loss" : "loss");
        CurvePlotting.UseEpochAxis(plot);
        var taskValues = new List<double>();
        string perTask;
        if (!spread)
        {
            for (var t = 0; t < tasks.Count; t++)
            {
                var losses = HistoryData.TrainingLoss(history, tasks[t]);
                taskValues.AddRange(losses);
                CurvePlotting.AddLine(plot, xs, losses, ChartStyle.Colour(t), $"{ChartStyle.Shorten(tasks[t])} (training)", LinePattern.Solid);
            }

            perTask = "each task's training loss (coloured)";
        }
        else
        {
            var perEpoch = history.Epochs.Select(e => tasks.Select(t => e.TaskTrainingLosses.TryGetValue(t, out var v) ? v : double.NaN).ToArray()).ToArray();
            taskValues.AddRange(perEpoch.SelectMany(v => v));
            CurvePlotting.AddSpread(plot, xs, perEpoch, ChartStyle.Colour(0), $"median of {tasks.Count} tasks (training)", LinePattern.Solid);
            perTask = $"the median training loss of the {tasks.Count} tasks with a band from the 10th to the 90th percentile of the tasks";
        }

        var totalAxis = spread ? (IYAxis)plot.Axes.Right : plot.Axes.Left;
        if (spread)
        {
            plot.Axes.Right.Label.Text = "weighted total loss (all tasks)";
            plot.Axes.Right.Label.FontSize = ChartStyle.AxisLabelSize;
            plot.Axes.Right.Label.FontName = plot.Axes.Left.Label.FontName;
            plot.Axes.Right.TickLabelStyle.FontSize = ChartStyle.TickLabelSize;
        }

        var totalValues = new List<double>();
        if (tasks.Count > 1)
        {
            var training = history.Epochs.Select(e => e.TrainingLoss).ToArray();
            totalValues.AddRange(training);
            OnAxis(CurvePlotting.AddLine(plot, xs, training, Colors.Black, "all tasks, weighted (training)", LinePattern.Solid, width: 2.5f, markers: false), totalAxis);
        }

        var validation = HistoryData.HasValidation(history);
        if (validation)
        {
            var losses = history.Epochs.Select(e => e.ValidationLoss ?? double.NaN).ToArray();
            totalValues.AddRange(losses);
            OnAxis(CurvePlotting.AddLine(plot, xs, losses, Colors.Black, "all tasks, weighted (validation)", LinePattern.Dashed, width: 2.5f, markers: false), totalAxis);
            CurvePlotting.AddBestEpoch(plot, history.BestEpoch);
        }

        // Losses are ≥ 0: each axis starts at 0, with a little room above the largest value.
        if (spread)
        {
            StartAtZero(plot, plot.Axes.Left, taskValues);
            StartAtZero(plot, plot.Axes.Right, totalValues);
        }
        else
        {
            StartAtZero(plot, plot.Axes.Left, [.. taskValues, .. totalValues]);
        }

        plot.ShowLegend(Alignment.UpperRight);
        var caption = $"Training loss per epoch: {perTask}" +
            (tasks.Count > 1 ? $", and the weighted total Σ α_t L_t (black{(spread ? ", right-hand axis" : string.Empty)})" : string.Empty) +
            (validation ? $"; the dashed line is the weighted validation loss and the dotted line the best epoch ({history.BestEpoch})." : "; the run had no validation data.") +
            " Regression losses are in standardised units.";
        return new ReportImage(fileName, $"{run}: loss", caption, ChartStyle.RenderPng(plot, settings.Width, settings.Height), settings.Width, settings.Height);
    }

    private static void OnAxis(IPlottable? line, IYAxis axis)
    {
        if (line is not null)
        {
            line.Axes.YAxis = axis;
        }
    }

    private static void StartAtZero(Plot plot, IYAxis axis, IEnumerable<double> values)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        if (finite.Length > 0 && finite.Min() >= 0 && finite.Max() > 0)
        {
            plot.Axes.SetLimitsY(0, finite.Max() * 1.05, axis);
        }
    }
}
