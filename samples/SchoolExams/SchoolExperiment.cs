using System.Diagnostics;
using System.Globalization;
using MultitaskLearning.Data;
using MultitaskLearning.Evaluation;
using MultitaskLearning.Models;
using MultitaskLearning.Reporting;
using MultitaskLearning.Training;
using Spectre.Console;

namespace MultitaskLearning.Samples.SchoolExams;

/// <summary>
/// For each seeded split: the linear methods, then the deep families, all scored by pooled test explained variance
/// (1 − SSE/SST over the test rows of all schools with one pooled mean, the definition of the multitask literature).
/// </summary>
internal static class SchoolExperiment
{
    private const string Baseline = "ridge";

    public static int Run(string dataPath, int splits, int epochs, IReadOnlyList<ModelFamily> families, string? jsonPath, string? reportPath)
    {
        var clock = Stopwatch.StartNew();
        var data = SchoolData.Load(dataPath);
        Console.WriteLine($"School data: {data.Report.Rows} students, {SchoolData.SchoolCount} schools (tasks), {data.FeatureNames.Count} features; {data.Report.DuplicateLines.Count} duplicate rows kept.");
        var results = new List<ResultRow>();
        var progress = new ConsoleProgress { PlainEvery = 25 };
        var trainingReport = reportPath is null ? null : new TrainingReport("School: 139 schools as 139 regression tasks")
        {
            Description = string.Create(CultureInfo.InvariantCulture,
                $"Linear and deep multitask models on {splits} seeded 75/25 splits of the School data, scored by test explained variance pooled over the schools. Training curves are those of split 0 (at most {epochs} epochs, early stopping on the validation loss); the schools are summarised by their median and 10th–90th percentile band."),
        };
        for (var run = 0; run < splits; run++)
        {
            var schools = SchoolData.Split(data.Dataset, seed: run);
            var truth = schools.SelectMany(s => s.TestScores).ToArray();
            var linear = Stopwatch.StartNew();
            var lines = new List<string>();
            foreach (var (name, predictions, lambda) in LinearMethods.Run(schools, seed: run))
            {
                AddPooled(results, name, run, truth, predictions);
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"{name} {Last(results):F4} (λ {lambda})"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"split {run}: linear in {linear.Elapsed.TotalSeconds:F1} s: {string.Join(", ", lines)}"));
            if (families.Count == 0)
            {
                continue;
            }

            var trainAll = SchoolData.ToDataset(schools, test: false);
            var test = SchoolData.ToDataset(schools, test: true);
            var inner = DatasetSplitter.Split(trainAll, new SplitOptions { TrainFraction = 0.9, ValidationFraction = 0.1, Seed = 100 + run });
            foreach (var family in families)
            {
                var definition = MultitaskModelBuilder.FromDataset(inner.Train, input => input with { Standardize = false })
                    .UseFamily(family, Architecture(family))
                    .Build();
                var options = new TrainerOptions
                {
                    Epochs = epochs,
                    Logger = SampleLogging.Create("trainer"),
                    BatchSize = 64,
                    Optimizer = OptimizerKind.Adam,
                    LearningRate = 0.001,
                    WeightDecay = 1e-4,
                    Seed = run,
                    EarlyStopping = new EarlyStoppingOptions { Patience = 10 },
                };
                using var model = progress.Run($"split {run}, {family.ToName()}", options, reporter => new MultitaskTrainer(options).Fit(definition, inner.Train, inner.Validation, reporter));
                if (run == 0)
                {
                    trainingReport?.AddRun(family.ToName(), model.TrainingHistory!);
                }

                var outputs = model.Predict(test);
                var scores = SchoolData.Tasks.SelectMany(t => outputs[t.Name].Scores.Select(v => (double)v)).ToArray();
                var targets = SchoolData.Tasks.SelectMany(t => outputs[t.Name].Targets.Select(v => (double)v)).ToArray();
                AddPooled(results, family.ToName(), run, targets, scores);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"split {run}: {family.ToName()} (best epoch {model.TrainingHistory!.BestEpoch} of {model.TrainingHistory.Epochs.Count}): {Last(results):F4}"));
            }
        }

        PrintTable(results);
        Console.WriteLine($"Finished in {clock.Elapsed.TotalSeconds:F0} s.");
        if (jsonPath is not null)
        {
            ResultsFile.Write(jsonPath, "school-exams", results);
            Console.WriteLine($"Results written to {Path.GetFullPath(jsonPath)}.");
        }

        if (trainingReport is not null)
        {
            WriteReport(trainingReport, results, splits, reportPath!);
        }

        return 0;
    }

    /// <summary>The same per-task capacity for every family: 27 → 32 → 16 → 1 per school in the task-specific family.</summary>
    private static ArchitectureOptions Architecture(ModelFamily family) => new()
    {
        TrunkLayers = family == ModelFamily.Hybrid ? [32] : [32, 16],
        TowerLayers = [16],
        Dropout = 0.1,
    };

    private static void AddPooled(List<ResultRow> results, string model, int run, double[] truth, double[] predicted)
    {
        results.Add(new ResultRow(model, "all", "mse", "test", RegressionMetrics.MeanSquaredError(truth, predicted), run));
        results.Add(new ResultRow(model, "all", "explained-variance", "test", RegressionMetrics.RSquared(truth, predicted), run));
    }

    private static double Last(List<ResultRow> results) => results[^1].Value;

    /// <summary>The report's comparison: every model's pooled test explained variance, mean ± standard deviation over
    /// the splits, against the single-task ridge baseline.</summary>
    private static void WriteReport(TrainingReport report, List<ResultRow> results, int splits, string folder)
    {
        var entries = results.Where(r => r.Metric == "explained-variance").GroupBy(r => r.Model).Select(g =>
        {
            var values = g.Select(r => r.Value).ToArray();
            var mean = values.Average();
            var sd = values.Length > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1)) : 0;
            return new ComparisonEntry(g.Key, "all schools (pooled)", mean, values.Length > 1 ? sd : null);
        });
        report.AddComparison(
            "test explained variance", entries, baseline: Baseline,
            caption: string.Create(CultureInfo.InvariantCulture,
                $"Pooled test explained variance of every model, the mean over {splits} split{(splits == 1 ? string.Empty : "s")}{(splits > 1 ? " with ± one standard deviation" : string.Empty)}; the grey bar is ridge regression, every school fitted on its own with one λ chosen for all (the single-task baseline); task-specific is the deep single-task counterpart."));
        var written = report.WriteTo(folder);
        Console.WriteLine($"Report written to {written.IndexPath} ({written.Images.Count} charts).");
    }

    private static void PrintTable(List<ResultRow> results)
    {
        var explained = results.Where(r => r.Metric == "explained-variance").ToArray();
        var baseline = explained.Where(r => r.Model == Baseline).ToDictionary(r => r.Run, r => r.Value);
        var table = new Table().Title("School: test explained variance, pooled over 139 schools")
            .AddColumn("model")
            .AddColumn(new TableColumn("explained variance").RightAligned())
            .AddColumn(new TableColumn("MSE").RightAligned())
            .AddColumn(new TableColumn($"Δ vs {Baseline} (paired)").RightAligned())
            .AddColumn(new TableColumn($"splits won vs {Baseline}").RightAligned());
        foreach (var group in explained.GroupBy(r => r.Model))
        {
            var values = group.Select(r => r.Value).ToArray();
            var mse = results.Where(r => r.Model == group.Key && r.Metric == "mse").Select(r => r.Value).ToArray();
            var differences = group.Select(r => r.Value - baseline[r.Run]).ToArray();
            var paired = group.Key == Baseline ? "—" : MeanSd(differences, "+0.0000;-0.0000");
            var wins = group.Key == Baseline ? "—" : $"{differences.Count(d => d > 0)} of {differences.Length}";
            table.AddRow(group.Key, MeanSd(values, "F4"), MeanSd(mse, "F2"), paired, wins);
        }

        AnsiConsole.Write(table);
    }

    private static string MeanSd(double[] values, string format)
    {
        var mean = values.Average();
        var sd = values.Length > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1)) : 0;
        return $"{mean.ToString(format, CultureInfo.InvariantCulture)} ± {sd.ToString("F4", CultureInfo.InvariantCulture)}";
    }
}
