using System.Diagnostics;
using System.Globalization;
using MultitaskLearning.Evaluation;
using MultitaskLearning.Tasks;
using MultitaskLearning.Training;
using MultitaskLearning.Training.Aggregation;
using MultitaskLearning.Training.Weighting;
using Spectre.Console;

namespace MultitaskLearning.Samples;

/// <summary>
/// Runs every loss weighting and gradient aggregator (and the single-task baseline) on the same data and seeds, and
/// reports per-task accuracy, Δm against single-task learning and time per epoch relative to equal weighting.
/// Shared by the MultiMnist and SpokenDigits samples.
/// </summary>
public static class StrategyComparison
{
    /// <summary>The compared methods: a name and how it sets the trainer options for a seed ("single-task" means the task-specific family).</summary>
    public static IReadOnlyList<(string Name, Action<int, TrainerOptions> Configure)> Methods { get; } =
    [
        ("single-task", (_, _) => { }),
        ("equal", (_, o) => o.LossWeighting = new EqualWeighting()),
        ("uncertainty", (_, o) => o.LossWeighting = new UncertaintyWeighting()),
        ("dwa", (_, o) => o.LossWeighting = new DynamicWeightAverage()),
        ("rlw", (s, o) => o.LossWeighting = new RandomLossWeighting(s)),
        ("gls", (_, o) => o.LossWeighting = new GeometricLossWeighting()),
        ("gradnorm", (_, o) => o.LossWeighting = new GradNorm()),
        ("famo", (_, o) => o.LossWeighting = new Famo()),
        ("pcgrad", (_, o) => Aggregate(o, new PCGrad())),
        ("mgda", (_, o) => Aggregate(o, new Mgda(MgdaNormalization.LossPlus))),
        ("cagrad", (_, o) => Aggregate(o, new CaGrad(0.4))),
        ("gradvac", (_, o) => Aggregate(o, new GradVac())),
        ("imtl-g", (_, o) => Aggregate(o, new ImtlG())),
        ("aligned-mtl", (_, o) => Aggregate(o, new AlignedMtl())),
        ("nash-mtl", (_, o) => Aggregate(o, new NashMtl())),
        ("upgrad", (_, o) => Aggregate(o, new UpGrad())),
        ("graddrop", (_, o) => Aggregate(o, new GradDrop())),
    ];

    /// <summary>Runs the comparison.</summary>
    /// <param name="title">The table title.</param>
    /// <param name="seeds">Seeds per method.</param>
    /// <param name="epochs">Epochs per run (for the time column).</param>
    /// <param name="methods">Method names to run (single-task and equal are always run); <see langword="null"/> for all.</param>
    /// <param name="train">Trains and evaluates one run: (method name, seed, configure options) → test report.</param>
    /// <param name="results">Receives one row per task, metric and run, plus Δm and relative time per method.</param>
    public static void Run(
        string title,
        int seeds,
        int epochs,
        IReadOnlySet<string>? methods,
        Func<string, int, Action<TrainerOptions>, EvaluationReport> train,
        List<ResultRow> results)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(results);
        var summaries = new Dictionary<string, List<(EvaluationReport Report, double EpochSeconds)>>();
        for (var seed = 0; seed < seeds; seed++)
        {
            foreach (var (name, configure) in Methods.Where(m => methods is null || methods.Contains(m.Name) || m.Name is "single-task" or "equal"))
            {
                var clock = Stopwatch.StartNew();
                var report = train(name, seed, options => configure(seed, options));
                var seconds = clock.Elapsed.TotalSeconds / epochs;
                (summaries.TryGetValue(name, out var list) ? list : summaries[name] = []).Add((report, seconds));
                foreach (var task in report.Tasks.Values)
                {
                    results.Add(new ResultRow(name, task.Task.Name, "accuracy", "test", task[MetricKind.Accuracy], seed));
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"seed {seed}, {name}: {string.Join(", ", report.Tasks.Values.Select(t => $"{t.Task.Name} {t[MetricKind.Accuracy]:P2}"))}, {seconds:F1} s/epoch"));
            }
        }

        var taskNames = summaries["single-task"][0].Report.Tasks.Keys.ToArray();
        double Mean(string method, string task) => summaries[method].Average(r => r.Report[task][MetricKind.Accuracy]);
        var equalTime = summaries["equal"].Average(r => r.EpochSeconds);
        var table = new Table().Title(title).AddColumn("method");
        foreach (var task in taskNames)
        {
            table.AddColumn(new TableColumn(task).RightAligned());
        }

        table.AddColumn(new TableColumn("Δm vs single-task").RightAligned()).AddColumn(new TableColumn("time / epoch vs equal").RightAligned());
        foreach (var name in summaries.Keys)
        {
            var deltaM = taskNames.Average(t => (Mean(name, t) - Mean("single-task", t)) / Mean("single-task", t));
            var relativeTime = summaries[name].Average(r => r.EpochSeconds) / equalTime;
            table.AddRow([name, .. taskNames.Select(t => Mean(name, t).ToString("P2", CultureInfo.InvariantCulture)),
                name == "single-task" ? "—" : deltaM.ToString("+0.00%;-0.00%", CultureInfo.InvariantCulture),
                relativeTime.ToString("F2", CultureInfo.InvariantCulture) + "×"]);
            results.Add(new ResultRow(name, "all", "delta-m", "test", deltaM, -1));
            results.Add(new ResultRow(name, "all", "relative-epoch-time", "train", relativeTime, -1));
        }

        AnsiConsole.Write(table);
    }

    private static void Aggregate(TrainerOptions options, GradientAggregator aggregator)
    {
        options.LossWeighting = new EqualWeighting();
        options.GradientAggregator = aggregator;
    }
}
