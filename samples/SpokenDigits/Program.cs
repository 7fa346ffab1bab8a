using MultitaskLearning;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using MultitaskLearning.Audio;
using MultitaskLearning.Data;
using MultitaskLearning.Evaluation;
using MultitaskLearning.Models;
using MultitaskLearning.Samples;
using MultitaskLearning.Tasks;
using MultitaskLearning.Training;
using Spectre.Console;

// FSDD: one recording, three tasks (digit, speaker, accent). Official split: indices 0-4 test, 5-49 train.
SampleConsole.Configure();
var epochsOption = new Option<int>("--epochs") { Description = "Maximum epochs (early stopping on 10% of the training files).", DefaultValueFactory = _ => 30 };
var seedOption = new Option<int>("--seed") { Description = "Seed of initialisation, shuffling and the validation split.", DefaultValueFactory = _ => 0 };
var jsonOption = new Option<string?>("--json") { Description = "Also write the results as JSON to this file." };
var compareOption = new Option<bool>("--compare-methods") { Description = "Instead, compare every loss weighting and gradient aggregator (fixed epochs, --seeds seeds) against single-task models." };
var seedsOption = new Option<int>("--seeds") { Description = "Seeds per method with --compare-methods.", DefaultValueFactory = _ => 3 };
var dataOption = new Option<string>("--data") { Description = "The FSDD folder (recordings/ and speakers.csv).", DefaultValueFactory = _ => Path.Combine(AppContext.BaseDirectory, "data", "fsdd") };
var root = new RootCommand("Spoken digits (FSDD): digit, speaker and accent from one recording; multitask (shared trunk) against single-task (task-specific) models.")
{
    epochsOption, seedOption, jsonOption, dataOption, compareOption, seedsOption,
};
root.SetAction(parse => parse.GetValue(compareOption)
    ? SpokenDigitsExperiment.CompareMethods(parse.GetValue(dataOption)!, parse.GetValue(epochsOption), parse.GetValue(seedsOption), parse.GetValue(jsonOption))
    : SpokenDigitsExperiment.Run(parse.GetValue(dataOption)!, parse.GetValue(epochsOption), parse.GetValue(seedOption), parse.GetValue(jsonOption)));
return root.Parse(args).Invoke();

/// <summary>The experiment.</summary>
internal static class SpokenDigitsExperiment
{
    public static int CompareMethods(string folder, int epochs, int seeds, string? jsonPath)
    {
        var clock = Stopwatch.StartNew();
        var (train, test, _) = Load(folder);
        var progress = new ConsoleProgress { PlainEvery = epochs };
        var results = new List<ResultRow>();
        StrategyComparison.Run($"FSDD test accuracy, mean over {seeds} seed(s), {epochs} epochs", seeds, epochs, null, (name, seed, configure) =>
        {
            var family = name == "single-task" ? ModelFamily.TaskSpecific : ModelFamily.SharedTrunk;
            var options = new TrainerOptions { Epochs = epochs, BatchSize = 32, Optimizer = OptimizerKind.Adam, LearningRate = 0.001, Seed = seed, Logger = SampleLogging.Create("trainer") };
            configure(options);
            using var model = progress.Run($"seed {seed}, {name}", options, reporter => new MultitaskTrainer(options).Fit(Definition(train.Dataset, family), train.Dataset, progress: reporter));
            return model.Evaluate(test.Dataset);
        }, results);
        Console.WriteLine($"Finished in {clock.Elapsed.TotalMinutes:F1} min.");
        if (jsonPath is not null)
        {
            ResultsFile.Write(jsonPath, "spoken-digits-methods", results);
            Console.WriteLine($"Results written to {Path.GetFullPath(jsonPath)}.");
        }

        return 0;
    }

    public static int Run(string folder, int epochs, int seed, string? jsonPath)
    {
        var clock = Stopwatch.StartNew();
        var (train, test, tasks) = Load(folder);
        Console.WriteLine($"FSDD: {train.Report.Loaded} training and {test.Report.Loaded} test recordings, decoded {train.Report.Decoded + test.Report.Decoded} files in {clock.Elapsed.TotalSeconds:F1} s.");

        var inner = DatasetSplitter.Split(train.Dataset, new SplitOptions { TrainFraction = 0.9, ValidationFraction = 0.1, Seed = seed, StratifyByTask = "speaker" });
        var results = new List<ResultRow>();
        var reports = new Dictionary<string, EvaluationReport>();
        var progress = new ConsoleProgress { PlainEvery = 5 };
        foreach (var family in new[] { ModelFamily.SharedTrunk, ModelFamily.TaskSpecific })
        {
            var definition = Definition(inner.Train, family);
            var options = new TrainerOptions
            {
                Epochs = epochs,
                Logger = SampleLogging.Create("trainer"),
                BatchSize = 32,
                Optimizer = OptimizerKind.Adam,
                LearningRate = 0.001,
                Seed = seed,
                EarlyStopping = new EarlyStoppingOptions { Patience = 5, Monitor = MonitoredMetric.Mean(MetricKind.Accuracy) },
            };
            var name = family == ModelFamily.SharedTrunk ? "shared-trunk" : "single-task";
            var familyClock = Stopwatch.StartNew();
            using var model = progress.Run(name, options, reporter => new MultitaskTrainer(options).Fit(definition, inner.Train, inner.Validation, reporter));
            var report = model.Evaluate(test.Dataset);
            reports[name] = report;
            foreach (var task in tasks)
            {
                results.Add(new ResultRow(name, task.Name, "accuracy", "test", report[task.Name][MetricKind.Accuracy], seed));
                results.Add(new ResultRow(name, task.Name, "macro-f1", "test", report[task.Name][MetricKind.MacroF1], seed));
            }

            Console.WriteLine($"{name}: trained in {familyClock.Elapsed.TotalSeconds:F0} s (best epoch {model.TrainingHistory!.BestEpoch}).");
        }

        var comparison = ModelComparison.Compare(reports["shared-trunk"], reports["single-task"], [MetricKind.Accuracy]);
        var table = new Table().Title("FSDD test accuracy (indices 0-4 of every speaker and digit)")
            .AddColumn("task").AddColumn(new TableColumn("multitask").RightAligned()).AddColumn(new TableColumn("single-task").RightAligned()).AddColumn(new TableColumn("relative change").RightAligned());
        foreach (var metric in comparison.Metrics)
        {
            table.AddRow(metric.TaskName, metric.Multitask.ToString("P1", CultureInfo.InvariantCulture), metric.Baseline.ToString("P1", CultureInfo.InvariantCulture), metric.RelativeGain.ToString("+0.0%;-0.0%", CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(table);
        Console.WriteLine($"Δm (mean relative gain of multitask over single-task, accuracy): {comparison.MeanRelativeGain.ToString("+0.00%;-0.00%", CultureInfo.InvariantCulture)}. Finished in {clock.Elapsed.TotalSeconds:F0} s.");
        results.Add(new ResultRow("shared-trunk", "all", "delta-m", "test", comparison.MeanRelativeGain, seed));
        if (jsonPath is not null)
        {
            ResultsFile.Write(jsonPath, "spoken-digits", results);
            Console.WriteLine($"Results written to {Path.GetFullPath(jsonPath)}.");
        }

        return 0;
    }

    private static MultitaskModelDefinition Definition(MultitaskDataset train, ModelFamily family) =>
        MultitaskModelBuilder.FromDataset(train, i => i with { Encoder = EncoderKind.Convolutional, ConvolutionChannels = [16, 32], EncoderLayers = [128] })
            .UseFamily(family, new ArchitectureOptions { TrunkLayers = [64], Dropout = 0.2 })
            .Build();

    /// <summary>FSDD with the official split (indices 0-4 test) and tasks digit, speaker and accent (from speakers.csv).</summary>
    private static (LabeledFileData Train, LabeledFileData Test, TaskDefinition[] Tasks) Load(string folder)
    {
        var accents = File.ReadAllLines(Path.Combine(folder, "speakers.csv")).Skip(1)
            .Select(l => l.Split(',')).ToDictionary(f => f[0], f => f[2], StringComparer.Ordinal);
        var items = LabeledFileSources.FromFileNamePattern(Path.Combine(folder, "recordings"), "{digit}_{speaker}_{index}.wav")
            .Select(i => i with { Fields = new Dictionary<string, string>(i.Fields) { ["accent"] = accents[i.Fields["speaker"]] } })
            .ToArray();
        TaskDefinition[] tasks =
        [
            TaskDefinition.Multiclass("digit", 10),
            TaskDefinition.Multiclass("speaker", [.. accents.Keys.Order(StringComparer.Ordinal)]),
            TaskDefinition.Multiclass("accent", [.. accents.Values.Distinct().Select(FieldLabels.Normalize).Order(StringComparer.Ordinal)]),
        ];
        var features = new AudioFeatureOptions { SampleRate = 8000, DurationSeconds = 1.0, FftSize = 256, HopLength = 80, MelBands = 40 };
        var cache = new FeatureCache();
        bool IsTest(LabeledFile item) => int.Parse(item.Fields["index"], CultureInfo.InvariantCulture) < 5;
        var train = SpeechDatasetReader.Read(items.Where(i => !IsTest(i)).ToArray(), tasks, features, cache: cache);
        var test = SpeechDatasetReader.Read(items.Where(IsTest).ToArray(), tasks, features, cache: cache);
        return (train, test, tasks);
    }
}
