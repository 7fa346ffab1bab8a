using System.Globalization;
using System.Text;
using MultitaskLearning.Tasks;

namespace MultitaskLearning.Reporting;

/// <summary>The report's HTML tables: the validation metrics at each run's best epoch, and the values of a comparison.
/// Numbers are formatted with the invariant culture; names are escaped.</summary>
internal static class ReportTables
{
    public static string FinalMetrics(IReadOnlyList<ReportRun> runs, int maxTaskRows)
    {
        var metrics = runs.SelectMany(r => HistoryData.Metrics(r.History)).Distinct().Order().ToArray();
        var html = new StringBuilder("<table>\n<tr><th>run</th><th>task</th><th>best epoch</th><th>training loss</th><th>validation loss</th>");
        foreach (var metric in metrics)
        {
            html.Append("<th>").Append(HtmlPage.Escape(metric.ToName())).Append("</th>");
        }

        html.Append("</tr>\n");
        foreach (var run in runs)
        {
            var best = HistoryData.BestEpoch(run.History);
            var epochs = run.History.Epochs.Count;
            var bestText = string.Create(CultureInfo.InvariantCulture, $"{best.Epoch} of {epochs}{(run.History.StoppedEarly ? " (stopped early)" : string.Empty)}");
            var tasks = HistoryData.Tasks(run.History).Union(HistoryData.MetricTasks(run.History), StringComparer.Ordinal).ToArray();
            if (tasks.Length <= maxTaskRows)
            {
                foreach (var task in tasks)
                {
                    html.Append("<tr><td>").Append(HtmlPage.Escape(run.Name)).Append("</td><td>").Append(HtmlPage.Escape(task)).Append("</td>")
                        .Append(Cell(bestText)).Append(Number(best.TaskTrainingLosses.TryGetValue(task, out var loss) ? loss : double.NaN))
                        .Append(Cell("—"));
                    foreach (var metric in metrics)
                    {
                        html.Append(Number(HistoryData.Metric(best, task, metric)));
                    }

                    html.Append("</tr>\n");
                }
            }

            html.Append("<tr><td>").Append(HtmlPage.Escape(run.Name)).Append("</td><td>")
                .Append(tasks.Length == 1 ? "total" : string.Create(CultureInfo.InvariantCulture, $"all {tasks.Length} tasks (weighted loss, median of the metrics)")).Append("</td>")
                .Append(Cell(bestText)).Append(Number(best.TrainingLoss)).Append(Number(best.ValidationLoss ?? double.NaN));
            foreach (var metric in metrics)
            {
                var (median, _, _) = TaskSpread.Summarise(tasks.Select(t => HistoryData.Metric(best, t, metric)));
                html.Append(Number(median));
            }

            html.Append("</tr>\n");
        }

        return html.Append("</table>\n").ToString();
    }

    public static string Comparison(ComparisonSet set)
    {
        var digits = ComparisonChart.Digits(set.Entries.Select(e => e.Value)) + 1;
        var html = new StringBuilder("<table>\n<tr><th>task</th>");
        foreach (var model in set.Models)
        {
            html.Append("<th>").Append(HtmlPage.Escape(model)).Append(model == set.Baseline ? " (baseline)" : string.Empty).Append("</th>");
        }

        html.Append("</tr>\n");
        foreach (var task in set.Tasks)
        {
            html.Append("<tr><td>").Append(HtmlPage.Escape(task)).Append("</td>");
            var baseline = set.Baseline is null ? null : set.Find(set.Baseline, task);
            foreach (var model in set.Models)
            {
                var entry = set.Find(model, task);
                if (entry is null)
                {
                    html.Append(Cell("—"));
                    continue;
                }

                var text = entry.Value.ToString($"F{digits}", CultureInfo.InvariantCulture);
                if (entry.Error is { } error)
                {
                    text += " ± " + error.ToString($"F{digits}", CultureInfo.InvariantCulture);
                }

                if (baseline is not null && model != set.Baseline)
                {
                    text += " (" + (entry.Value - baseline.Value).ToString($"+0.{new string('0', digits)};−0.{new string('0', digits)};±0", CultureInfo.InvariantCulture) + ")";
                }

                html.Append("<td class=\"num\">").Append(text).Append("</td>");   // digits and signs only
            }

            html.Append("</tr>\n");
        }

        return html.Append("</table>\n").ToString();
    }

    private static string Number(double value) => double.IsNaN(value)
        ? Cell("—")
        : $"<td class=\"num\">{value.ToString("F4", CultureInfo.InvariantCulture)}</td>";

    private static string Cell(string text) => $"<td>{HtmlPage.Escape(text)}</td>";
}
