using ScottPlot;
using MultitaskLearning.Training;

namespace MultitaskLearning.Reporting;

/// <summary>A run's losses per epoch: each task's training loss, the weighted total training loss and the weighted
/// validation loss, and the best epoch.</summary>
internal static class LossChart
{
    public static ReportImage Render(string fileName, string run, TrainingHistory history, ChartSettings settings)
    {
        var plot = ChartStyle.Create(settings.FontFamily, $"{ChartStyle.Shorten(run, 48)}: loss per epoch", "epoch", "loss");
        CurvePlotting.UseEpochAxis(plot);
        var xs = HistoryData.Epochs(history);
        var tasks = HistoryData.Tasks(history);
        string perTask;
        if (tasks.Count <= settings.MaxTaskCurves)
        {
            for (var t = 0; t < tasks.Count; t++)
            {
                CurvePlotting.AddLine(plot, xs, HistoryData.TrainingLoss(history, tasks[t]), ChartStyle.Colour(t), $"{ChartStyle.Shorten(tasks[t])} (training)", LinePattern.Solid);
            }

            perTask = "each task's training loss (coloured)";
        }
        else
        {
            var perEpoch = history.Epochs.Select(e => tasks.Select(t => e.TaskTrainingLosses.TryGetValue(t, out var v) ? v : double.NaN)).ToArray();
            CurvePlotting.AddSpread(plot, xs, perEpoch, ChartStyle.Colour(0), $"mean of {tasks.Count} tasks (training)", LinePattern.Solid);
            perTask = $"the mean training loss of the {tasks.Count} tasks with a band from the 10th to the 90th percentile of the tasks";
        }

        if (tasks.Count > 1)
        {
            CurvePlotting.AddLine(plot, xs, history.Epochs.Select(e => e.TrainingLoss).ToArray(), Colors.Black, "all tasks, weighted (training)", LinePattern.Solid, width: 2.5f, markers: false);
        }

        var validation = HistoryData.HasValidation(history);
        if (validation)
        {
            CurvePlotting.AddLine(plot, xs, history.Epochs.Select(e => e.ValidationLoss ?? double.NaN).ToArray(), Colors.Black, "all tasks, weighted (validation)", LinePattern.Dashed, width: 2.5f, markers: false);
            CurvePlotting.AddBestEpoch(plot, history.BestEpoch);
        }

        plot.Axes.AutoScale();
        var limits = plot.Axes.GetLimits();
        if (limits.Bottom >= 0 || limits.Bottom > -0.05 * limits.Top)
        {
            plot.Axes.SetLimitsY(0, limits.Top);
        }

        plot.ShowLegend(Alignment.UpperRight);
        var caption = $"Training loss per epoch: {perTask}" +
            (tasks.Count > 1 ? ", and the weighted total Σ α_t L_t (black)" : string.Empty) +
            (validation ? $"; the dashed line is the weighted validation loss and the dotted line the best epoch ({history.BestEpoch})." : "; the run had no validation data.") +
            " Regression losses are in standardised units.";
        return new ReportImage(fileName, $"{run}: loss", caption, ChartStyle.RenderPng(plot, settings.Width, settings.Height), settings.Width, settings.Height);
    }
}
