using System.Globalization;
using System.Net;
using System.Text;
using MultitaskLearning.Evaluation;
using MultitaskLearning.Tasks;
using MultitaskLearning.Runtime;
using MultitaskLearning.Training;

namespace MultitaskLearning.Reporting;

/// <summary>
/// A training report: collect runs, confusion matrices, task relationships and model comparisons, then
/// <see cref="WriteTo"/> a folder gets one PNG chart per item (drawn with ScottPlot) and <c>index.html</c>, a single
/// self-contained page that shows them all (images embedded, inline CSS, no scripts) with a table of the final metrics.
/// </summary>
/// <example>
/// <code>
/// var report = new TrainingReport("Speech and images")
///     .AddRun("shared-trunk", model.TrainingHistory!)
///     .AddConfusionMatrices(model.Predict(test), "shared-trunk")
///     .AddComparison("test accuracy", results, baseline: "task-specific");
/// report.WriteTo("report");
/// </code>
/// </example>
public sealed class TrainingReport
{
    private readonly List<ReportRun> runs = [];
    private readonly List<ReportConfusion> confusions = [];
    private readonly List<ReportRelationships> relationships = [];
    private readonly List<ComparisonSet> comparisons = [];
    private int chartWidth = 800;
    private int chartHeight = 500;
    private int maxTaskCurves = 10;

    /// <summary>Creates an empty report.</summary>
    /// <param name="title">The page title and main heading.</param>
    /// <exception cref="ArgumentException">The title is empty.</exception>
    public TrainingReport(string title)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        Title = title;
    }

    /// <summary>The page title and main heading.</summary>
    public string Title { get; }

    /// <summary>A paragraph shown under the title (plain text; it is escaped), or <see langword="null"/>.</summary>
    public string? Description { get; set; }

    /// <summary>The width of the line and bar charts in pixels (default 800, at least 200).</summary>
    public int ChartWidth
    {
        get => chartWidth;
        set => chartWidth = CheckPixels(value, nameof(ChartWidth));
    }

    /// <summary>The height of every chart in pixels (default 500, at least 200); heatmaps are a little wider than high.</summary>
    public int ChartHeight
    {
        get => chartHeight;
        set => chartHeight = CheckPixels(value, nameof(ChartHeight));
    }

    /// <summary>The font family of the charts, or <see langword="null"/> (the default) for the first installed of
    /// DejaVu Sans, Liberation Sans, Noto Sans, Arial, Helvetica, Segoe UI and Verdana, else the system's default font.</summary>
    public string? FontFamily { get; set; }

    /// <summary>Runs with more tasks than this (default 10, at least 1) show, instead of a line per task, the median over
    /// the tasks with a band from the 10th to the 90th percentile, and one summary row in the metrics table.</summary>
    public int MaxTaskCurves
    {
        get => maxTaskCurves;
        set => maxTaskCurves = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(MaxTaskCurves), value, "MaxTaskCurves must be at least 1.");
    }

    /// <summary>Adds a training run: its loss curves (each task's training loss, the weighted training and validation
    /// loss), its validation-metric curves, and a row per task in the final-metrics table (metrics of the best epoch).
    /// When the history holds <see cref="TrainingHistory.TaskRelationships"/>, their heatmap is added too.</summary>
    /// <param name="name">The run's name, unique in the report (for example the model family).</param>
    /// <param name="history">The run's history (<see cref="MultitaskModel.TrainingHistory"/>).</param>
    /// <returns>This report.</returns>
    /// <exception cref="ArgumentException">The name is empty or already used, or the history has no epochs.</exception>
    public TrainingReport AddRun(string name, TrainingHistory history)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(history);
        if (history.Epochs is null || history.Epochs.Count == 0)
        {
            throw new ArgumentException($"The history of run '{name}' has no epochs; a report needs at least one.", nameof(history));
        }

        if (runs.Any(r => r.Name == name))
        {
            throw new ArgumentException($"The report already has a run named '{name}'.", nameof(name));
        }

        if (history.TaskRelationships is not null)
        {
            TaskRelationshipHeatmap.Check(history.TaskRelationships);
        }

        runs.Add(new ReportRun(name, history));
        if (history.TaskRelationships is not null)
        {
            relationships.Add(new ReportRelationships(name, history.TaskRelationships));
        }

        return this;
    }

    /// <summary>Adds a confusion matrix, drawn as a heatmap with counts (rows: true class, columns: predicted class).</summary>
    /// <param name="task">The task.</param>
    /// <param name="matrix">The matrix.</param>
    /// <param name="model">The model the predictions came from, when the report compares several; or <see langword="null"/>.</param>
    /// <returns>This report.</returns>
    /// <exception cref="ArgumentException">The task name is empty.</exception>
    public TrainingReport AddConfusionMatrix(string task, ConfusionMatrix matrix, string? model = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(task);
        ArgumentNullException.ThrowIfNull(matrix);
        confusions.Add(new ReportConfusion(task, model, matrix));
        return this;
    }

    /// <summary>Adds a confusion matrix from counts.</summary>
    /// <param name="task">The task.</param>
    /// <param name="classNames">The class names, in index order.</param>
    /// <param name="counts">The counts [true class, predicted class], one row and column per class.</param>
    /// <param name="model">The model the predictions came from, or <see langword="null"/>.</param>
    /// <returns>This report.</returns>
    /// <exception cref="ArgumentException">The counts do not match the class names (see <see cref="ConfusionMatrix(IReadOnlyList{string}, int[,])"/>).</exception>
    public TrainingReport AddConfusionMatrix(string task, IReadOnlyList<string> classNames, int[,] counts, string? model = null) =>
        AddConfusionMatrix(task, new ConfusionMatrix(classNames, counts), model);

    /// <summary>Adds the confusion matrix of every multiclass and binary task in a model's predictions
    /// (<see cref="MultitaskModel.Predict"/>); regression and multi-label tasks are skipped.</summary>
    /// <param name="outputs">The predictions by task.</param>
    /// <param name="model">The model the predictions came from, or <see langword="null"/>.</param>
    /// <returns>This report.</returns>
    public TrainingReport AddConfusionMatrices(IReadOnlyDictionary<string, TaskOutputs> outputs, string? model = null)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        foreach (var (name, taskOutputs) in outputs)
        {
            if (taskOutputs.Task.Kind is TaskKind.Multiclass or TaskKind.Binary)
            {
                AddConfusionMatrix(name, ConfusionMatrix.FromOutputs(taskOutputs), model);
            }
        }

        return this;
    }

    /// <summary>Adds a task-relationship heatmap (mean gradient cosine; and the lookahead affinity when recorded).
    /// <see cref="AddRun"/> already adds the relationships a history holds.</summary>
    /// <param name="relationships">The relationships.</param>
    /// <param name="model">The model they were recorded for, or <see langword="null"/>.</param>
    /// <returns>This report.</returns>
    /// <exception cref="ArgumentException">A matrix does not match the task names.</exception>
    public TrainingReport AddTaskRelationships(TaskRelationships relationships, string? model = null)
    {
        TaskRelationshipHeatmap.Check(relationships);
        this.relationships.Add(new ReportRelationships(model, relationships));
        return this;
    }

    /// <summary>Adds a comparison of models as grouped bars (one group per task, one colour per model) and a table,
    /// for example each family's test accuracy next to the single-task baseline's.</summary>
    /// <param name="metric">The compared metric, as the axis label (for example <c>test accuracy</c>).</param>
    /// <param name="entries">One value per model and task.</param>
    /// <param name="baseline">The model the others are compared with (drawn grey; the table shows each value's
    /// difference from it), or <see langword="null"/>.</param>
    /// <param name="caption">The chart's caption, or <see langword="null"/> for a generated one.</param>
    /// <returns>This report.</returns>
    /// <exception cref="ArgumentException">No entries; an empty model or task name; a non-finite value or a negative or
    /// non-finite error; a model and task given twice; or a baseline that is not one of the models.</exception>
    public TrainingReport AddComparison(string metric, IEnumerable<ComparisonEntry> entries, string? baseline = null, string? caption = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(metric);
        ArgumentNullException.ThrowIfNull(entries);
        var list = entries.ToArray();
        if (list.Length == 0)
        {
            throw new ArgumentException($"The comparison of '{metric}' has no entries.", nameof(entries));
        }

        var seen = new HashSet<(string, string)>();
        foreach (var entry in list)
        {
            if (entry is null || string.IsNullOrWhiteSpace(entry.Model) || string.IsNullOrWhiteSpace(entry.Task))
            {
                throw new ArgumentException($"The comparison of '{metric}' has an entry without a model or task name.", nameof(entries));
            }

            if (!double.IsFinite(entry.Value))
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"The comparison of '{metric}' has a non-finite value, {entry.Value}, for model '{entry.Model}' on task '{entry.Task}'."), nameof(entries));
            }

            if (entry.Error is { } error && (!double.IsFinite(error) || error < 0))
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"The comparison of '{metric}' has an error of {error} for model '{entry.Model}' on task '{entry.Task}'; it must be finite and ≥ 0."), nameof(entries));
            }

            if (!seen.Add((entry.Model, entry.Task)))
            {
                throw new ArgumentException($"The comparison of '{metric}' has model '{entry.Model}' on task '{entry.Task}' twice.", nameof(entries));
            }
        }

        if (baseline is not null && !list.Any(e => e.Model == baseline))
        {
            throw new ArgumentException($"The baseline '{baseline}' is not one of the compared models: {string.Join(", ", list.Select(e => e.Model).Distinct())}.", nameof(baseline));
        }

        comparisons.Add(new ComparisonSet(metric, list, baseline, caption));
        return this;
    }

    /// <summary>
    /// Writes the report into <paramref name="directory"/> (created when missing): the PNG charts, then
    /// <c>index.html</c>. Every chart is rendered before the first file is written, and each file is written to a
    /// temporary file and moved into place, so a failure leaves no half-written file (and <c>index.html</c>, written
    /// last, is either the previous page or the complete new one). Existing files of the same names are replaced;
    /// other files in the folder are left alone.
    /// </summary>
    /// <param name="directory">The report folder.</param>
    /// <returns>The files written.</returns>
    /// <exception cref="ArgumentException">The path is empty or names an existing file.</exception>
    /// <exception cref="InvalidOperationException">Nothing was added to the report.</exception>
    public WrittenReport WriteTo(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var full = Path.GetFullPath(directory);
        if (File.Exists(full))
        {
            throw new ArgumentException($"The report folder '{full}' is an existing file; give a folder path.", nameof(directory));
        }

        if (runs.Count == 0 && confusions.Count == 0 && relationships.Count == 0 && comparisons.Count == 0)
        {
            throw new InvalidOperationException("The report is empty: add a run, confusion matrix, task relationships or comparison first.");
        }

        var sections = RenderSections();
        var page = Encoding.UTF8.GetBytes(HtmlPage.Build(Title, Description, sections));
        Directory.CreateDirectory(full);
        var images = new List<string>();
        foreach (var image in sections.SelectMany(s => s.Images))
        {
            var path = Path.Combine(full, image.FileName);
            DurableFile.Write(path, file => file.Write(image.Png));
            images.Add(path);
        }

        var index = Path.Combine(full, "index.html");
        DurableFile.Write(index, file => file.Write(page));
        return new WrittenReport(full, index, images);
    }

    private List<ReportSection> RenderSections()
    {
        var settings = new ChartSettings(ChartWidth, ChartHeight, FontFamily, MaxTaskCurves);
        var sections = new List<ReportSection>();
        for (var c = 0; c < comparisons.Count; c++)
        {
            var set = comparisons[c];
            var image = ComparisonChart.Render($"{FileNames.Stem("comparison", c + 1, set.Metric)}.png", set, settings);
            sections.Add(new ReportSection(
                $"comparison-{c + 1}", comparisons.Count == 1 ? "Comparison" : $"Comparison: {set.Metric}", null, ReportTables.Comparison(set), [image]));
        }

        if (runs.Count > 0)
        {
            sections.Add(new ReportSection(
                "final-metrics", "Final validation metrics", "Each run's training loss and validation metrics at its best epoch.",
                ReportTables.FinalMetrics(runs, MaxTaskCurves), []));
            sections.Add(new ReportSection("training", "Training curves", null, null, []));
            for (var r = 0; r < runs.Count; r++)
            {
                var run = runs[r];
                var stem = FileNames.Stem("run", r + 1, run.Name);
                List<ReportImage> images = [LossChart.Render($"{stem}-loss.png", run.Name, run.History, settings), .. MetricChart.Render(stem, run.Name, run.History, settings)];
                sections.Add(new ReportSection($"run-{r + 1}", run.Name, Describe(run), null, images, Level: 3));
            }
        }

        if (confusions.Count > 0)
        {
            var images = confusions.Select((c, i) => ConfusionMatrixChart.Render(
                $"{FileNames.Stem("confusion", i + 1, c.Model is null ? c.Task : $"{c.Task}-{c.Model}")}.png", c.Task, c.Model, c.Matrix, settings)).ToArray();
            sections.Add(new ReportSection("confusion", "Confusion matrices", null, null, images));
        }

        if (relationships.Count > 0)
        {
            var images = new List<ReportImage>();
            for (var i = 0; i < relationships.Count; i++)
            {
                var (model, recorded) = (relationships[i].Model, relationships[i].Relationships);
                var stem = FileNames.Stem("relationships", i + 1, model ?? "tasks");
                var heatmapSettings = settings with { Width = Math.Max(settings.Height + 220, 560) };
                images.Add(TaskRelationshipHeatmap.RenderCosine($"{stem}-cosine.png", model, recorded, heatmapSettings));
                if (recorded.LookaheadAffinity is not null)
                {
                    images.Add(TaskRelationshipHeatmap.RenderAffinity($"{stem}-affinity.png", model, recorded, heatmapSettings));
                }
            }

            sections.Add(new ReportSection("relationships", "Task relationships", null, null, images));
        }

        return sections;
    }

    private static string Describe(ReportRun run)
    {
        var history = run.History;
        var tasks = HistoryData.Tasks(history).Count;
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{history.Epochs.Count} epochs{(history.StoppedEarly ? " (stopped early)" : string.Empty)}, {tasks} task{(tasks == 1 ? string.Empty : "s")}, best epoch {history.BestEpoch}, {history.Epochs[^1].Steps} steps, engine {history.Engine}");
        if (history.ResumedFrom is not null)
        {
            text += $", resumed from {history.ResumedFrom}";
        }

        return WebUtility.HtmlEncode(text + (HistoryData.HasValidation(history) ? "." : "; no validation data."));
    }

    private static int CheckPixels(int value, string name) => value >= 200
        ? value
        : throw new ArgumentOutOfRangeException(name, value, "A chart needs at least 200 pixels in each direction.");
}
