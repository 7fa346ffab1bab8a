using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using MultitaskLearning.Evaluation;
using MultitaskLearning.Models;
using MultitaskLearning.Samples;
using MultitaskLearning.Samples.MultiMnist;
using MultitaskLearning.Tasks;
using MultitaskLearning.Training;
using MultitaskLearning.Training.Aggregation;
using MultitaskLearning.Training.Weighting;
using Spectre.Console;

// The standard testbed of loss-weighting and gradient-aggregation methods: every method on the same shared-trunk
// model and seeds, against single-task models; per-task accuracy, Δm and time per epoch relative to equal weighting.
SampleConsole.Configure();
var seedsOption = new Option<int>("--seeds") { Description = "Seeds per method (runs).", DefaultValueFactory = _ => 3 };
var epochsOption = new Option<int>("--epochs") { Description = "Epochs per run.", DefaultValueFactory = _ => 10 };
var trainOption = new Option<int>("--train") { Description = "Training pairs.", DefaultValueFactory = _ => 8000 };
var methodsOption = new Option<string?>("--methods") { Description = "Comma-separated subset of methods (default: all)." };
var jsonOption = new Option<string?>("--json") { Description = "Also write the results as JSON to this file." };
var dataOption = new Option<string>("--data") { Description = "The MNIST folder.", DefaultValueFactory = _ => Path.Combine(AppContext.BaseDirectory, "data", "mnist") };
var root = new RootCommand("MultiMNIST: every loss weighting and gradient aggregator on one shared-trunk model against single-task learning.")
{
    seedsOption, epochsOption, trainOption, methodsOption, jsonOption, dataOption,
};
root.SetAction(parse => MultiMnistExperiment.Run(
    parse.GetValue(dataOption)!, parse.GetValue(seedsOption), parse.GetValue(epochsOption), parse.GetValue(trainOption), parse.GetValue(methodsOption), parse.GetValue(jsonOption)));
return root.Parse(args).Invoke();

/// <summary>The experiment.</summary>
internal static class MultiMnistExperiment
{
    private static readonly (string Name, Func<int, TrainerOptions, TrainerOptions> Configure)[] Methods =
    [
        ("single-task", (_, o) => o),
        ("equal", (_, o) => With(o, new EqualWeighting(), null)),
        ("uncertainty", (_, o) => With(o, new UncertaintyWeighting(), null)),
        ("dwa", (_, o) => With(o, new DynamicWeightAverage(), null)),
        ("rlw", (s, o) => With(o, new RandomLossWeighting(s), null)),
        ("gls", (_, o) => With(o, new GeometricLossWeighting(), null)),
        ("gradnorm", (_, o) => With(o, new GradNorm(), null)),
        ("famo", (_, o) => With(o, new Famo(), null)),
        ("pcgrad", (_, o) => With(o, new EqualWeighting(), new PCGrad())),
        ("mgda", (_, o) => With(o, new EqualWeighting(), new Mgda(MgdaNormalization.LossPlus))),
        ("cagrad", (_, o) => With(o, new EqualWeighting(), new CaGrad(0.4))),
        ("gradvac", (_, o) => With(o, new EqualWeighting(), new GradVac())),
        ("imtl-g", (_, o) => With(o, new EqualWeighting(), new ImtlG())),
        ("aligned-mtl", (_, o) => With(o, new EqualWeighting(), new AlignedMtl())),
        ("nash-mtl", (_, o) => With(o, new EqualWeighting(), new NashMtl())),
        ("upgrad", (_, o) => With(o, new EqualWeighting(), new UpGrad())),
        ("graddrop", (_, o) => With(o, new EqualWeighting(), new GradDrop())),
    ];

    public static int Run(string folder, int seeds, int epochs, int trainCount, string? methodList, string? jsonPath)
    {
        var clock = Stopwatch.StartNew();
        var selected = methodList?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet() ?? Methods.Select(m => m.Name).ToHashSet();
        selected.Add("single-task");
        selected.Add("equal");
        var results = new List<ResultRow>();
        var summaries = new Dictionary<string, List<(double Left, double Right, double EpochSeconds)>>();
        var progress = new ConsoleProgress { PlainEvery = epochs };
        for (var seed = 0; seed < seeds; seed++)
        {
            var (train, test) = MultiMnistData.Build(folder, seed, trainCount, 2000);
            foreach (var (name, configure) in Methods.Where(m => selected.Contains(m.Name)))
            {
                var family = name == "single-task" ? ModelFamily.TaskSpecific : ModelFamily.SharedTrunk;
                var definition = MultitaskModelBuilder.FromDataset(train, i => i with { Encoder = EncoderKind.Convolutional, ConvolutionChannels = [16, 32], EncoderLayers = [64], Standardize = false })
                    .UseFamily(family, new ArchitectureOptions { TrunkLayers = [64] })
                    .Build();
                var options = configure(seed, new TrainerOptions { Epochs = epochs, BatchSize = 64, Optimizer = OptimizerKind.Adam, LearningRate = 0.001, Seed = seed });
                var run = Stopwatch.StartNew();
                using var model = progress.Run($"seed {seed}, {name}", reporter => new MultitaskTrainer(options).Fit(definition, train, progress: reporter));
                var seconds = run.Elapsed.TotalSeconds / epochs;
                var report = model.Evaluate(test);
                double left = report["left"][MetricKind.Accuracy], right = report["right"][MetricKind.Accuracy];
                (summaries.TryGetValue(name, out var list) ? list : summaries[name] = []).Add((left, right, seconds));
                results.Add(new ResultRow(name, "left", "accuracy", "test", left, seed));
                results.Add(new ResultRow(name, "right", "accuracy", "test", right, seed));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seed {seed}, {name}: left {left:P2}, right {right:P2}, {seconds:F1} s/epoch"));
            }
        }

        var single = summaries["single-task"];
        var equalTime = summaries["equal"].Average(s => s.EpochSeconds);
        var table = new Table().Title($"MultiMNIST test accuracy, mean over {seeds} seed(s), {epochs} epochs")
            .AddColumn("method").AddColumn(new TableColumn("left").RightAligned()).AddColumn(new TableColumn("right").RightAligned())
            .AddColumn(new TableColumn("Δm vs single-task").RightAligned()).AddColumn(new TableColumn("time / epoch vs equal").RightAligned());
        foreach (var (name, runs) in summaries)
        {
            double left = runs.Average(r => r.Left), right = runs.Average(r => r.Right);
            var deltaM = ((left - single.Average(r => r.Left)) / single.Average(r => r.Left) + ((right - single.Average(r => r.Right)) / single.Average(r => r.Right))) / 2;
            var relativeTime = runs.Average(r => r.EpochSeconds) / equalTime;
            table.AddRow(name, left.ToString("P2", CultureInfo.InvariantCulture), right.ToString("P2", CultureInfo.InvariantCulture),
                name == "single-task" ? "—" : deltaM.ToString("+0.00%;-0.00%", CultureInfo.InvariantCulture), relativeTime.ToString("F2", CultureInfo.InvariantCulture) + "×");
            results.Add(new ResultRow(name, "all", "delta-m", "test", deltaM, -1));
            results.Add(new ResultRow(name, "all", "relative-epoch-time", "train", relativeTime, -1));
        }

        AnsiConsole.Write(table);
        Console.WriteLine($"Finished in {clock.Elapsed.TotalMinutes:F1} min.");
        if (jsonPath is not null)
        {
            ResultsFile.Write(jsonPath, "multi-mnist", results);
            Console.WriteLine($"Results written to {Path.GetFullPath(jsonPath)}.");
        }

        return 0;
    }

    private static TrainerOptions With(TrainerOptions options, LossWeighting weighting, GradientAggregator? aggregator)
    {
        options.LossWeighting = weighting;
        options.GradientAggregator = aggregator;
        return options;
    }
}
