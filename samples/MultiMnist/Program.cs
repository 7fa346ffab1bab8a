using MultitaskLearning;
using System.CommandLine;
using System.Diagnostics;
using MultitaskLearning.Models;
using MultitaskLearning.Samples;
using MultitaskLearning.Samples.MultiMnist;
using MultitaskLearning.Training;

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
root.SetAction(parse =>
{
    var clock = Stopwatch.StartNew();
    var epochs = parse.GetValue(epochsOption);
    var seeds = parse.GetValue(seedsOption);
    var methods = parse.GetValue(methodsOption)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet();
    var data = Enumerable.Range(0, seeds).Select(seed => MultiMnistData.Build(parse.GetValue(dataOption)!, seed, parse.GetValue(trainOption), 2000)).ToArray();
    var progress = new ConsoleProgress { PlainEvery = epochs };
    var results = new List<ResultRow>();
    StrategyComparison.Run($"MultiMNIST test accuracy, mean over {seeds} seed(s), {epochs} epochs", seeds, epochs, methods, (name, seed, configure) =>
    {
        var (train, test) = data[seed];
        var family = name == "single-task" ? ModelFamily.TaskSpecific : ModelFamily.SharedTrunk;
        var definition = MultitaskModelBuilder.FromDataset(train, i => i with { Encoder = EncoderKind.Convolutional, ConvolutionChannels = [16, 32], EncoderLayers = [64], Standardize = false })
            .UseFamily(family, new ArchitectureOptions { TrunkLayers = [64] })
            .Build();
        var options = new TrainerOptions { Epochs = epochs, BatchSize = 64, Optimizer = OptimizerKind.Adam, LearningRate = 0.001, Seed = seed, Logger = SampleLogging.Create("trainer") };
        configure(options);
        using var model = progress.Run($"seed {seed}, {name}", options, reporter => new MultitaskTrainer(options).Fit(definition, train, progress: reporter));
        return model.Evaluate(test);
    }, results);
    Console.WriteLine($"Finished in {clock.Elapsed.TotalMinutes:F1} min.");
    if (parse.GetValue(jsonOption) is { } json)
    {
        ResultsFile.Write(json, "multi-mnist", results);
        Console.WriteLine($"Results written to {Path.GetFullPath(json)}.");
    }

    return 0;
});
return root.Parse(args).Invoke();
