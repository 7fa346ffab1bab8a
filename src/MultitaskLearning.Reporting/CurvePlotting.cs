using ScottPlot;
using ScottPlot.TickGenerators;

namespace MultitaskLearning.Reporting;

/// <summary>Lines over epochs shared by the loss and metric charts: one task's curve, the spread of many tasks, and the
/// best-epoch marker.</summary>
internal static class CurvePlotting
{
    public static readonly LinePattern[] Patterns = [LinePattern.Solid, LinePattern.Dashed, LinePattern.Dotted, LinePattern.DenselyDashed];

    /// <summary>Whole epochs on the horizontal axis.</summary>
    public static void UseEpochAxis(Plot plot) =>
        plot.Axes.Bottom.TickGenerator = new NumericAutomatic { IntegerTicksOnly = true };

    /// <summary>A line through the finite points of <paramref name="ys"/> (non-finite values are left out).</summary>
    public static IPlottable? AddLine(Plot plot, IReadOnlyList<double> xs, IReadOnlyList<double> ys, Color colour, string legend, LinePattern pattern, float width = 2, bool markers = true)
    {
        var points = Finite(xs, ys);
        if (points.Xs.Length == 0)
        {
            return null;
        }

        var line = plot.Add.Scatter(points.Xs, points.Ys, colour);
        line.LegendText = legend;
        line.LineWidth = width;
        line.LinePattern = pattern;
        line.MarkerSize = markers && points.Xs.Length <= 60 ? 5 : 0;
        return line;
    }

    /// <summary>The median of many tasks' values per epoch as a line, with a band from the 10th to the 90th percentile.</summary>
    public static void AddSpread(Plot plot, IReadOnlyList<double> xs, IReadOnlyList<IEnumerable<double>> valuesPerEpoch, Color colour, string legend, LinePattern pattern)
    {
        var summaries = valuesPerEpoch.Select(TaskSpread.Summarise).ToArray();
        var band = Finite(xs, summaries.Select(s => s.Low).ToArray(), summaries.Select(s => s.High).ToArray());
        if (band.Xs.Length > 1)
        {
            var fill = plot.Add.FillY(band.Xs, band.Ys, band.Ys2);
            fill.FillColor = colour.WithAlpha(0.18);
            fill.LineWidth = 0;
            fill.LegendText = string.Empty;
        }

        AddLine(plot, xs, summaries.Select(s => s.Median).ToArray(), colour, legend, pattern);
    }

    /// <summary>A dotted vertical line at the best epoch.</summary>
    public static void AddBestEpoch(Plot plot, int bestEpoch)
    {
        var line = plot.Add.VerticalLine(bestEpoch, 1.5f, Colors.Gray, LinePattern.Dotted);
        line.LegendText = $"best epoch ({bestEpoch})";
    }

    private static (double[] Xs, double[] Ys) Finite(IReadOnlyList<double> xs, IReadOnlyList<double> ys)
    {
        var keep = Enumerable.Range(0, xs.Count).Where(i => double.IsFinite(ys[i])).ToArray();
        return (keep.Select(i => xs[i]).ToArray(), keep.Select(i => ys[i]).ToArray());
    }

    private static (double[] Xs, double[] Ys, double[] Ys2) Finite(IReadOnlyList<double> xs, IReadOnlyList<double> low, IReadOnlyList<double> high)
    {
        var keep = Enumerable.Range(0, xs.Count).Where(i => double.IsFinite(low[i]) && double.IsFinite(high[i])).ToArray();
        return (keep.Select(i => xs[i]).ToArray(), keep.Select(i => low[i]).ToArray(), keep.Select(i => high[i]).ToArray());
    }
}
