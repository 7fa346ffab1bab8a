using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace MultitaskLearning.Reporting;

/// <summary>Grouped bars: one group per task, one bar (colour) per model, the value printed above each bar and an
/// optional error bar; the baseline model, when named, is grey. With a single task the bars are labelled with the
/// model names instead of a legend.</summary>
internal static class ComparisonChart
{
    public static ReportImage Render(string fileName, ComparisonSet set, ChartSettings settings)
    {
        var title = set.Tasks.Count == 1
            ? $"{ChartStyle.Shorten(set.Metric, 40)}: {ChartStyle.Shorten(set.Tasks[0], 30)}"
            : $"{ChartStyle.Shorten(set.Metric, 40)} by task and model";
        var plot = ChartStyle.Create(settings.FontFamily, title, set.Tasks.Count == 1 ? "model" : "task", set.Metric);
        var models = set.Models;
        var tasks = set.Tasks;
        var bars = new List<Bar>();
        var placed = new List<ComparisonEntry>();
        var ticks = new List<(double Position, string Label)>();
        var colourIndex = 0;
        var colours = models.ToDictionary(m => m, m => m == set.Baseline ? Colors.Gray : ChartStyle.Colour(colourIndex++), StringComparer.Ordinal);
        var digits = Digits(set.Entries.Select(e => e.Value));
        for (var t = 0; t < tasks.Count; t++)
        {
            var start = t * (models.Count + 1);
            for (var m = 0; m < models.Count; m++)
            {
                var entry = set.Find(models[m], tasks[t]);
                if (entry is null)
                {
                    continue;
                }

                bars.Add(new Bar { Position = start + m, Value = entry.Value, FillColor = colours[models[m]], LineWidth = 0, Size = 0.85 });
                placed.Add(entry);
                if (tasks.Count == 1)
                {
                    ticks.Add((start + m, ChartStyle.Shorten(models[m], 16)));
                }
            }

            if (tasks.Count > 1)
            {
                ticks.Add((start + ((models.Count - 1) / 2.0), ChartStyle.Shorten(tasks[t], 24)));
            }
        }

        plot.Add.Bars(bars);

        // Error bars and value labels are drawn here rather than by the bars: a bar's line width is also its outline,
        // and its label would sit on the error bar.
        var labelSize = bars.Count > 16 ? 10f : 12f;
        foreach (var (bar, entry) in bars.Zip(placed))
        {
            if (entry.Error is { } error && error > 0)
            {
                var whisker = plot.Add.ErrorBar([bar.Position], [bar.Value], [error]);
                whisker.Color = Colors.Black;
                whisker.LineWidth = 1.5f;
            }

            var above = entry.Value >= 0;
            var text = plot.Add.Text(
                entry.Value.ToString($"F{digits}", CultureInfo.InvariantCulture),
                bar.Position,
                above ? entry.Value + (entry.Error ?? 0) : entry.Value - (entry.Error ?? 0));
            text.LabelAlignment = above ? Alignment.LowerCenter : Alignment.UpperCenter;
            text.OffsetY = above ? -3 : 3;
            text.LabelFontSize = labelSize;
            text.LabelFontColor = Colors.Black.WithAlpha(0.85);
        }

        plot.Axes.Bottom.TickGenerator = new NumericManual(ticks.Select(t => t.Position).ToArray(), ticks.Select(t => t.Label).ToArray());
        plot.Axes.Bottom.MinorTickStyle.Length = 0;
        var longest = ticks.Max(t => t.Label.Length);
        if (ticks.Count * longest * ChartStyle.TickLabelSize * 0.65 > settings.Width * 0.8)
        {
            ChartStyle.SlantBottomLabels(plot, longest);
        }

        if (tasks.Count > 1)
        {
            plot.Legend.ManualItems.AddRange(models.Select(m => new LegendItem
            {
                LabelText = m == set.Baseline ? $"{m} (baseline)" : m,
                FillColor = colours[m],
            }));
            plot.ShowLegend(Edge.Bottom);
        }

        var low = set.Entries.Min(e => e.Value - (e.Error ?? 0));
        var high = set.Entries.Max(e => e.Value + (e.Error ?? 0));
        var span = Math.Max(high - Math.Min(low, 0), 1e-12);
        plot.Axes.SetLimitsY(Math.Min(low, 0) - (low < 0 ? 0.08 * span : 0), Math.Max(high, 0) + (0.12 * span));
        plot.Axes.SetLimitsX(-0.7, (tasks.Count * (models.Count + 1)) - 1.3);
        plot.Grid.XAxisStyle.IsVisible = false;

        var caption = set.Caption ?? $"{set.Metric} of each model on each task" + (set.Baseline is null ? "." : $"; the grey bars are the baseline, {set.Baseline}.");
        if (set.Entries.Any(e => e.Error is not null))
        {
            caption += " Error bars show ± the given error.";
        }

        return new ReportImage(fileName, $"Comparison: {set.Metric}", caption, ChartStyle.RenderPng(plot, settings.Width, settings.Height), settings.Width, settings.Height);
    }

    /// <summary>Decimals for the value labels: 3 for values of order 1, fewer for large values.</summary>
    internal static int Digits(IEnumerable<double> values)
    {
        var largest = values.Select(Math.Abs).DefaultIfEmpty(0).Max();
        return largest >= 100 ? 1 : largest >= 10 ? 2 : 3;
    }
}
