using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using MultitaskLearning.Data;
using MultitaskLearning.Evaluation;
using MultitaskLearning.Models;
using MultitaskLearning.Samples;
using MultitaskLearning.Samples.SchoolExams;
using MultitaskLearning.Training;
using Spectre.Console;

SampleConsole.Configure();
var splitsOption = new Option<int>("--splits") { Description = "Number of seeded 75/25 splits (runs).", DefaultValueFactory = _ => 3 };
var epochsOption = new Option<int>("--epochs") { Description = "Maximum epochs per deep model (early stopping on a 10% validation part of the training rows).", DefaultValueFactory = _ => 100 };
var familiesOption = new Option<string>("--families") { Description = "Comma-separated deep families: shared-trunk, task-specific, hybrid.", DefaultValueFactory = _ => "shared-trunk,task-specific,hybrid" };
var jsonOption = new Option<string?>("--json") { Description = "Also write the results as JSON to this file." };
var dataOption = new Option<string>("--data") { Description = "Path of school.csv.", DefaultValueFactory = _ => Path.Combine(AppContext.BaseDirectory, "data", "school", "school.csv") };
var root = new RootCommand("Trains the shared-trunk, task-specific and hybrid families on the School data (139 schools = 139 regression tasks) and reports test explained variance.")
{
    splitsOption, epochsOption, familiesOption, jsonOption, dataOption,
};
root.SetAction(parse =>
{
    var splits = parse.GetValue(splitsOption);
    var epochs = parse.GetValue(epochsOption);
    var families = parse.GetValue(familiesOption)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(ModelFamilyExtensions.ParseFamilyName).ToArray();
    if (splits < 1 || epochs < 1)
    {
        Console.Error.WriteLine("--splits and --epochs must be at least 1.");
        return 2;
    }

    return SchoolExperiment.Run(parse.GetValue(dataOption)!, splits, epochs, families, parse.GetValue(jsonOption));
});
return root.Parse(args).Invoke();

/// <summary>The experiment: for each split, ridge per school and the deep families; pooled test explained variance.</summary>
internal static class SchoolExperiment
{
    public static int Run(string dataPath, int splits, int epochs, IReadOnlyList<ModelFamily> families, string? jsonPath)
    {
        var clock = Stopwatch.StartNew();
        var data = SchoolData.Load(dataPath);
        Console.WriteLine($"School data: {data.Report.Rows} students, {SchoolData.SchoolCount} schools (tasks), {data.FeatureNames.Count} features; {data.Report.DuplicateLines.Count} duplicate rows kept.");
        var results = new List<ResultRow>();
        var progress = new ConsoleProgress { PlainEvery = 25 };
        for (var run = 0; run < splits; run++)
        {
            var schools = SchoolData.Split(data.Dataset, seed: run);
            var truth = schools.SelectMany(s => s.TestScores).ToArray();
            var (lambda, ridge) = RidgeBaseline.FitAndPredict(schools, seed: run);
            AddPooled(results, "ridge", run, truth, ridge.SelectMany(p => p).ToArray());
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"split {run}: ridge per school (λ = {lambda} by 5-fold CV): explained variance {Last(results):F4}"));

            var trainAll = SchoolData.ToDataset(schools, test: false);
            var test = SchoolData.ToDataset(schools, test: true);
            var inner = DatasetSplitter.Split(trainAll, new SplitOptions { TrainFraction = 0.9, ValidationFraction = 0.1, Seed = 100 + run });
            foreach (var family in families)
            {
                var definition = MultitaskModelBuilder.FromDataset(inner.Train, input => input with { Standardize = false })
                    .UseFamily(family, Architecture(family))
                    .Build();
                var trainer = new MultitaskTrainer(new TrainerOptions
                {
                    Epochs = epochs,
                    BatchSize = 64,
                    Optimizer = OptimizerKind.Adam,
                    LearningRate = 0.001,
                    WeightDecay = 1e-4,
                    Seed = run,
                    EarlyStopping = new EarlyStoppingOptions { Patience = 10 },
                });
                using var model = progress.Run($"split {run}, {family.ToName()}", reporter => trainer.Fit(definition, inner.Train, inner.Validation, reporter));
                var outputs = model.Predict(test);
                var scores = SchoolData.Tasks.SelectMany(t => outputs[t.Name].Scores.Select(v => (double)v)).ToArray();
                var targets = SchoolData.Tasks.SelectMany(t => outputs[t.Name].Targets.Select(v => (double)v)).ToArray();
                AddPooled(results, family.ToName(), run, targets, scores);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"split {run}: {family.ToName()} (best epoch {model.TrainingHistory!.BestEpoch} of {model.TrainingHistory.Epochs.Count}): explained variance {Last(results):F4}"));
            }
        }

        PrintTable(results);
        Console.WriteLine($"Finished in {clock.Elapsed.TotalSeconds:F0} s.");
        if (jsonPath is not null)
        {
            ResultsFile.Write(jsonPath, "school-exams", results);
            Console.WriteLine($"Results written to {Path.GetFullPath(jsonPath)}.");
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

    /// <summary>Explained variance as defined for School in the multitask literature: 1 − SSE/SST over the pooled test
    /// rows of all schools with one pooled mean (<see cref="RegressionMetrics.RSquared"/> of the pooled rows); also the pooled MSE.</summary>
    private static void AddPooled(List<ResultRow> results, string model, int run, double[] truth, double[] predicted)
    {
        results.Add(new ResultRow(model, "all", "mse", "test", RegressionMetrics.MeanSquaredError(truth, predicted), run));
        results.Add(new ResultRow(model, "all", "explained-variance", "test", RegressionMetrics.RSquared(truth, predicted), run));
    }

    private static double Last(List<ResultRow> results) => results[^1].Value;

    private static void PrintTable(List<ResultRow> results)
    {
        var table = new Table().Title("School: test explained variance (pooled over 139 schools)")
            .AddColumn("model").AddColumn(new TableColumn("explained variance").RightAligned()).AddColumn(new TableColumn("MSE").RightAligned()).AddColumn(new TableColumn("runs").RightAligned());
        foreach (var group in results.GroupBy(r => r.Model))
        {
            var ev = group.Where(r => r.Metric == "explained-variance").Select(r => r.Value).ToArray();
            var mse = group.Where(r => r.Metric == "mse").Select(r => r.Value).ToArray();
            table.AddRow(group.Key, MeanSd(ev), MeanSd(mse), ev.Length.ToString(CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(table);
    }

    private static string MeanSd(double[] values)
    {
        var mean = values.Average();
        var sd = values.Length > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1)) : 0;
        return string.Create(CultureInfo.InvariantCulture, $"{mean:F4} ± {sd:F4}");
    }
}
