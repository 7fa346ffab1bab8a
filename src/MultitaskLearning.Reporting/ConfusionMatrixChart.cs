using System.Globalization;
using ScottPlot;

namespace MultitaskLearning.Reporting;

/// <summary>A confusion matrix as an annotated heatmap: rows are true classes, columns predicted classes, the colour is
/// the fraction of the row (the recall of each class on the diagonal) and each cell shows its count and that fraction.</summary>
internal static class ConfusionMatrixChart
{
    public static ReportImage Render(string fileName, string task, string? model, ConfusionMatrix matrix, ChartSettings settings)
    {
        var n = matrix.ClassCount;
        var fractions = new double[n, n];
        for (var t = 0; t < n; t++)
        {
            var support = matrix.Support(t);
            for (var p = 0; p < n; p++)
            {
                fractions[t, p] = support == 0 ? double.NaN : (double)matrix[t, p] / support;
            }
        }

        var heading = model is null ? task : $"{task} ({model})";
        var accuracy = double.IsNaN(matrix.Accuracy) ? "no samples" : string.Create(CultureInfo.InvariantCulture, $"accuracy {matrix.Accuracy:P1} of {matrix.Total}");
        var plot = ChartStyle.Create(settings.FontFamily, $"{ChartStyle.Shorten(heading, 40)}: {accuracy}", "predicted class", "true class");
        MatrixPlotting.Add(
            plot, fractions, new ScottPlot.Colormaps.Reversed(new ScottPlot.Colormaps.Blues()), 0, 1, matrix.ClassNames, matrix.ClassNames,
            (t, p) => (matrix[t, p].ToString(CultureInfo.InvariantCulture), double.IsNaN(fractions[t, p]) ? null : fractions[t, p].ToString("P0", CultureInfo.InvariantCulture)),
            "fraction of the true class");
        var width = Math.Max(settings.Height + 160, 480);
        var caption = string.Create(CultureInfo.InvariantCulture,
            $"Confusion matrix of {heading} on {matrix.Total} samples ({accuracy}): rows are the true classes, columns the predicted ones; each cell shows the count and the fraction of its row, so the diagonal is each class's recall.");
        return new ReportImage(fileName, $"{heading}: confusion matrix", caption, ChartStyle.RenderPng(plot, width, settings.Height), width, settings.Height);
    }
}
