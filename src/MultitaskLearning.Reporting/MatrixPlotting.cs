using ScottPlot;
using ScottPlot.TickGenerators;

namespace MultitaskLearning.Reporting;

/// <summary>A labelled square heatmap, shared by confusion matrices and task-relationship matrices: cell [r, c] is drawn
/// at row r from the top and column c from the left, with the row and column names as ticks and an optional text in
/// each cell, a main line and a smaller detail line under it (white on dark cells, black on light ones).</summary>
internal static class MatrixPlotting
{
    /// <summary>Cells are annotated up to this many rows and columns; beyond it the text would not fit.</summary>
    public const int MaxAnnotatedSize = 16;

    public static ScottPlot.Plottables.Heatmap Add(
        Plot plot, double[,] values, IColormap colormap, double min, double max,
        IReadOnlyList<string> rowNames, IReadOnlyList<string> columnNames, Func<int, int, (string Main, string? Detail)>? annotation, string colourBarLabel)
    {
        var rows = values.GetLength(0);
        var columns = values.GetLength(1);
        var heatmap = plot.Add.Heatmap(values);
        heatmap.Colormap = colormap;
        heatmap.ManualRange = new ScottPlot.Range(min, max);
        heatmap.NaNCellColor = Colors.LightGray;
        heatmap.Rectangle = new CoordinateRect(0, columns, 0, rows);   // cell edges, not centres, on whole units

        if (annotation is not null && rows <= MaxAnnotatedSize && columns <= MaxAnnotatedSize)
        {
            var size = Math.Clamp(ChartStyle.AnnotationSize * 8f / Math.Max(rows, columns), 8f, ChartStyle.AnnotationSize + 2);
            for (var r = 0; r < rows; r++)
            {
                for (var c = 0; c < columns; c++)
                {
                    var (main, detail) = annotation(r, c);
                    var colour = IsDark(colormap, values[r, c], min, max) ? Colors.White : Colors.Black;
                    var y = rows - r - 0.5;
                    AddText(plot, main, c + 0.5, detail is null ? y : y + 0.1, size, bold: true, colour);
                    if (detail is not null)
                    {
                        AddText(plot, detail, c + 0.5, y - 0.17, size * 0.75f, bold: false, colour);
                    }
                }
            }
        }

        var longest = columnNames.Max(n => n.Length);
        plot.Axes.Bottom.TickGenerator = new NumericManual(
            Enumerable.Range(0, columns).Select(c => c + 0.5).ToArray(), columnNames.Select(n => ChartStyle.Shorten(n, 18)).ToArray());
        if (columns > 3 && longest > 6)
        {
            ChartStyle.SlantBottomLabels(plot, Math.Min(longest, 18));
        }

        plot.Axes.Left.TickGenerator = new NumericManual(
            Enumerable.Range(0, rows).Select(r => rows - r - 0.5).ToArray(), rowNames.Select(n => ChartStyle.Shorten(n, 18)).ToArray());
        plot.Axes.SetLimits(0, columns, 0, rows);
        plot.HideGrid();
        plot.Axes.Bottom.MinorTickStyle.Length = 0;
        plot.Axes.Left.MinorTickStyle.Length = 0;
        var bar = plot.Add.ColorBar(heatmap);
        bar.Label = colourBarLabel;
        bar.LabelStyle.FontSize = ChartStyle.TickLabelSize;
        return heatmap;
    }

    private static void AddText(Plot plot, string content, double x, double y, float size, bool bold, Color colour)
    {
        var text = plot.Add.Text(content, x, y);
        text.LabelAlignment = Alignment.MiddleCenter;
        text.LabelFontSize = size;
        text.LabelBold = bold;
        text.LabelFontColor = colour;
    }

    private static bool IsDark(IColormap colormap, double value, double min, double max)
    {
        if (double.IsNaN(value))
        {
            return false;
        }

        var position = max > min ? Math.Clamp((value - min) / (max - min), 0, 1) : 0;
        var colour = colormap.GetColor(position);
        var luminance = ((0.299 * colour.R) + (0.587 * colour.G) + (0.114 * colour.B)) / 255;
        return luminance < 0.5;
    }
}
