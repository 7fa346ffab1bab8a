using System.Globalization;
using MultitaskLearning.Runtime;
using MultitaskLearning.Training;
using ScottPlot;

namespace MultitaskLearning.Reporting;

/// <summary>
/// Draws a <see cref="TaskRelationships"/> matrix as a PNG heatmap: the mean cosine similarity of the tasks' gradients on
/// the shared parameters, blue where tasks agree (+1), white where they are unrelated (0) and red where they conflict
/// (−1), each cell labelled with its value (grey: the pair never had labels in the same step). When the lookahead
/// affinity was recorded, <see cref="WriteAffinityPng"/> draws it the same way.
/// </summary>
public static class TaskRelationshipHeatmap
{
    /// <summary>Red (−1), white (0), blue (+1): ColorBrewer's RdBu.</summary>
    private static readonly IColormap Diverging = new ScottPlot.Colormaps.CustomInterpolated(
        [new Color(178, 24, 43), new Color(239, 138, 98), new Color(247, 247, 247), new Color(103, 169, 207), new Color(33, 102, 172)]);

    /// <summary>Writes the mean-cosine heatmap, atomically (a temporary file moved over <paramref name="path"/>).</summary>
    /// <param name="relationships">The recorded relationships.</param>
    /// <param name="path">The PNG file; its folder must exist.</param>
    /// <param name="width">Image width in pixels (at least 200).</param>
    /// <param name="height">Image height in pixels (at least 200).</param>
    /// <exception cref="ArgumentException">The matrices do not match the task names, or a size is below 200.</exception>
    public static void WritePng(TaskRelationships relationships, string path, int width = 720, int height = 560)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var image = RenderCosine("relationships.png", null, relationships, new ChartSettings(CheckSize(width, nameof(width)), CheckSize(height, nameof(height)), null, 10));
        DurableFile.Write(path, file => file.Write(image.Png));
    }

    /// <summary>Writes the lookahead-affinity heatmap (<see cref="TaskRelationships.LookaheadAffinity"/>, recorded with
    /// <see cref="TrainerOptions.RecordTaskAffinity"/>), atomically: row i, column j is the relative drop of task j's
    /// loss after a step on task i's gradient alone; the colour scale is symmetric around 0.</summary>
    /// <param name="relationships">The recorded relationships, with the lookahead affinity.</param>
    /// <param name="path">The PNG file; its folder must exist.</param>
    /// <param name="width">Image width in pixels (at least 200).</param>
    /// <param name="height">Image height in pixels (at least 200).</param>
    /// <exception cref="ArgumentException">The affinity was not recorded, the matrices do not match the task names, or
    /// a size is below 200.</exception>
    public static void WriteAffinityPng(TaskRelationships relationships, string path, int width = 720, int height = 560)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Check(relationships);
        if (relationships.LookaheadAffinity is null)
        {
            throw new ArgumentException("The lookahead affinity was not recorded (TrainerOptions.RecordTaskAffinity).", nameof(relationships));
        }

        var image = RenderAffinity("affinity.png", null, relationships, new ChartSettings(CheckSize(width, nameof(width)), CheckSize(height, nameof(height)), null, 10));
        DurableFile.Write(path, file => file.Write(image.Png));
    }

    /// <summary>Checks that every matrix is square with one row per task.</summary>
    internal static void Check(TaskRelationships relationships)
    {
        ArgumentNullException.ThrowIfNull(relationships);
        ArgumentNullException.ThrowIfNull(relationships.TaskNames, nameof(relationships));
        var n = relationships.TaskNames.Count;
        if (n == 0)
        {
            throw new ArgumentException("The task relationships name no task.", nameof(relationships));
        }

        CheckMatrix(relationships.MeanCosine, n, nameof(TaskRelationships.MeanCosine));
        CheckMatrix(relationships.ConflictFraction, n, nameof(TaskRelationships.ConflictFraction));
        CheckMatrix(relationships.Steps, n, nameof(TaskRelationships.Steps));
        if (relationships.LookaheadAffinity is not null)
        {
            CheckMatrix(relationships.LookaheadAffinity, n, nameof(TaskRelationships.LookaheadAffinity));
        }
    }

    internal static ReportImage RenderCosine(string fileName, string? model, TaskRelationships relationships, ChartSettings settings)
    {
        Check(relationships);
        var names = relationships.TaskNames;
        var title = model is null ? "Task gradient similarity" : $"{ChartStyle.Shorten(model, 32)}: task gradient similarity";
        var plot = ChartStyle.Create(settings.FontFamily, title, "task", "task");
        var cosine = relationships.MeanCosine;
        MatrixPlotting.Add(
            plot, cosine, Diverging, -1, 1, names, names,
            (i, j) => (Format(cosine[i, j]), i == j || relationships.Steps[i, j] == 0 ? null : string.Create(CultureInfo.InvariantCulture, $"{relationships.ConflictFraction[i, j]:P0} conflicts")),
            "mean cosine of the task gradients");
        var caption = "Mean cosine similarity of the tasks' gradients on the shared parameters over the steps where both tasks had labels: " +
            "blue where the tasks pull the shared layers the same way, red where they pull against each other, grey for pairs never seen together; " +
            "the small number is the fraction of those steps in which the pair conflicted (cosine < 0)." +
            ConflictSummary(relationships);
        return new ReportImage(fileName, model is null ? "Task relationships" : $"{model}: task relationships", caption, ChartStyle.RenderPng(plot, settings.Width, settings.Height), settings.Width, settings.Height);
    }

    internal static ReportImage RenderAffinity(string fileName, string? model, TaskRelationships relationships, ChartSettings settings)
    {
        var affinity = relationships.LookaheadAffinity!;
        var names = relationships.TaskNames;
        var largest = 1e-9;
        foreach (var value in affinity)
        {
            largest = double.IsFinite(value) ? Math.Max(largest, Math.Abs(value)) : largest;
        }

        var title = model is null ? "Lookahead task affinity" : $"{ChartStyle.Shorten(model, 32)}: lookahead task affinity";
        var plot = ChartStyle.Create(settings.FontFamily, title, "task j (whose loss changes)", "task i (the step's gradient)");
        MatrixPlotting.Add(
            plot, affinity, Diverging, -largest, largest, names, names,
            (i, j) => (double.IsNaN(affinity[i, j]) ? "–" : affinity[i, j].ToString("F3", CultureInfo.InvariantCulture), null),
            "relative drop of task j's loss");
        const string caption = "Lookahead affinity of Fifty et al. (2021): row i, column j is the mean relative drop of task j's loss after a step on task i's gradient alone; " +
            "blue helps, red hurts.";
        return new ReportImage(fileName, model is null ? "Task affinity" : $"{model}: task affinity", caption, ChartStyle.RenderPng(plot, settings.Width, settings.Height), settings.Width, settings.Height);
    }

    private static string ConflictSummary(TaskRelationships relationships)
    {
        var n = relationships.TaskNames.Count;
        var pairs = new List<string>();
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n && pairs.Count < 6; j++)
            {
                if (relationships.Steps[i, j] > 0)
                {
                    pairs.Add(string.Create(CultureInfo.InvariantCulture,
                        $"{relationships.TaskNames[i]} / {relationships.TaskNames[j]} conflicted in {relationships.ConflictFraction[i, j]:P0} of {relationships.Steps[i, j]} steps"));
                }
            }
        }

        return pairs.Count == 0 ? string.Empty : $" {string.Join("; ", pairs)}.";
    }

    /// <summary>Two decimals, or three for small non-zero values (so that 0.004 does not read as 0.00); a dash for NaN.</summary>
    private static string Format(double value) => double.IsNaN(value)
        ? "–"
        : value.ToString(value != 0 && Math.Abs(value) < 0.05 ? "F3" : "F2", CultureInfo.InvariantCulture);

    private static void CheckMatrix<T>(T[,] matrix, int n, string name)
    {
        if (matrix is null || matrix.GetLength(0) != n || matrix.GetLength(1) != n)
        {
            var shape = matrix is null ? "missing" : string.Create(CultureInfo.InvariantCulture, $"{matrix.GetLength(0)}×{matrix.GetLength(1)}");
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The task relationships' {name} is {shape} but there are {n} task names."), "relationships");
        }
    }

    private static int CheckSize(int pixels, string name) => pixels >= 200
        ? pixels
        : throw new ArgumentOutOfRangeException(name, pixels, "An image needs at least 200 pixels in each direction.");
}
