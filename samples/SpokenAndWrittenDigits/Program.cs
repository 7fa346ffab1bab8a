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
using MultitaskLearning.Vision;
using Spectre.Console;

// Two modalities, one label space: spoken digits (FSDD) and written digits (MNIST), each with its own encoder feeding
// one shared trunk, against single-modality models of the same size.
SampleConsole.Configure();
var epochsOption = new Option<int>("--epochs") { Description = "Maximum epochs (early stopping on 10% of the training data).", DefaultValueFactory = _ => 20 };
var seedOption = new Option<int>("--seed") { Description = "Seed of the MNIST split, initialisation and shuffling.", DefaultValueFactory = _ => 0 };
var jsonOption = new Option<string?>("--json") { Description = "Also write the results as JSON to this file." };
var dataOption = new Option<string>("--data") { Description = "The folder with fsdd/ and mnist/.", DefaultValueFactory = _ => Path.Combine(AppContext.BaseDirectory, "data") };
var root = new RootCommand("Spoken (FSDD) and written (MNIST) digits: one shared trunk over two modalities against single-modality models.")
{
    epochsOption, seedOption, jsonOption, dataOption,
};
root.SetAction(parse => DigitsExperiment.Run(parse.GetValue(dataOption)!, parse.GetValue(epochsOption), parse.GetValue(seedOption), parse.GetValue(jsonOption)));
return root.Parse(args).Invoke();

/// <summary>The experiment.</summary>
internal static class DigitsExperiment
{
    private static readonly TaskDefinition Spoken = TaskDefinition.Multiclass("spoken-digit", 10);
    private static readonly TaskDefinition Written = TaskDefinition.Multiclass("written-digit", 10);

    public static int Run(string folder, int epochs, int seed, string? jsonPath)
    {
        var clock = Stopwatch.StartNew();
        var features = new AudioFeatureOptions { SampleRate = 8000, DurationSeconds = 1.0, FftSize = 256, HopLength = 80, MelBands = 40 };
        var recordings = LabeledFileSources.FromFileNamePattern(Path.Combine(folder, "fsdd", "recordings"), "{digit}_{speaker}_{index}.wav");
        bool IsTest(LabeledFile file) => int.Parse(file.Fields["index"], CultureInfo.InvariantCulture) < 5;
        var audioOptions = new LabeledFileDatasetOptions { InputName = "audio", TaskFields = new Dictionary<string, string> { ["spoken-digit"] = "digit" } };
        var spokenTrain = SpeechDatasetReader.Read(recordings.Where(f => !IsTest(f)).ToArray(), [Spoken], features, audioOptions).Dataset;
        var spokenTest = SpeechDatasetReader.Read(recordings.Where(IsTest).ToArray(), [Spoken], features, audioOptions).Dataset;

        // MNIST test set, seeded split: 8,000 training and 2,000 test images.
        var order = Enumerable.Range(0, 10_000).ToArray();
        new Random(seed).Shuffle(order);
        var images = Path.Combine(folder, "mnist", "t10k-images-idx3-ubyte.gz");
        var labels = Path.Combine(folder, "mnist", "t10k-labels-idx1-ubyte.gz");
        var writtenTrain = ImageDatasetReader.ReadIdx(images, labels, Written, "image", order[..8000]);
        var writtenTest = ImageDatasetReader.ReadIdx(images, labels, Written, "image", order[8000..]);

        var train = MultitaskDataset.Merge(spokenTrain, writtenTrain);
        var test = MultitaskDataset.Merge(spokenTest, writtenTest);
        Console.WriteLine($"Data: FSDD {spokenTrain.Count} training / {spokenTest.Count} test recordings (official split), MNIST {writtenTrain.Count} / {writtenTest.Count} images (seed {seed}); loaded in {clock.Elapsed.TotalSeconds:F0} s.");
        var inner = DatasetSplitter.Split(train, new SplitOptions { TrainFraction = 0.9, ValidationFraction = 0.1, Seed = seed });

        var reports = new Dictionary<string, EvaluationReport>();
        var progress = new ConsoleProgress { PlainEvery = 5 };
        foreach (var family in new[] { ModelFamily.SharedTrunk, ModelFamily.TaskSpecific })
        {
            // Both encoders end in 64 features, so they can feed one shared trunk; the task-specific family gives
            // each modality its own encoder, trunk and head of the same sizes (the single-modality baselines).
            var definition = MultitaskModelBuilder.FromDataset(inner.Train, i => i with { Encoder = EncoderKind.Convolutional, ConvolutionChannels = [16, 32], EncoderLayers = [64] })
                .UseFamily(family, new ArchitectureOptions { TrunkLayers = [64], Dropout = 0.2 })
                .Build();
            var options = new TrainerOptions
            {
                Epochs = epochs,
                Logger = SampleLogging.Create("trainer"),
                BatchSize = 32,
                Optimizer = OptimizerKind.Adam,
                LearningRate = 0.001,
                Seed = seed,
                EarlyStopping = new EarlyStoppingOptions { Patience = 4, Monitor = MonitoredMetric.Mean(MetricKind.Accuracy) },
            };
            var name = family == ModelFamily.SharedTrunk ? "shared-trunk" : "single-modality";
            var familyClock = Stopwatch.StartNew();
            using var model = progress.Run(name, options, reporter => new MultitaskTrainer(options).Fit(definition, inner.Train, inner.Validation, reporter));
            reports[name] = model.Evaluate(test);
            Console.WriteLine($"{name}: trained in {familyClock.Elapsed.TotalSeconds:F0} s (best epoch {model.TrainingHistory!.BestEpoch} of {model.TrainingHistory.Epochs.Count}).");
        }

        var comparison = ModelComparison.Compare(reports["shared-trunk"], reports["single-modality"], [MetricKind.Accuracy]);
        var table = new Table().Title("Test accuracy: one trunk for both modalities vs. one model per modality")
            .AddColumn("task").AddColumn(new TableColumn("shared trunk").RightAligned()).AddColumn(new TableColumn("single-modality").RightAligned()).AddColumn(new TableColumn("relative change").RightAligned());
        var results = new List<ResultRow>();
        foreach (var metric in comparison.Metrics)
        {
            table.AddRow(metric.TaskName, metric.Multitask.ToString("P2", CultureInfo.InvariantCulture), metric.Baseline.ToString("P2", CultureInfo.InvariantCulture), metric.RelativeGain.ToString("+0.00%;-0.00%", CultureInfo.InvariantCulture));
            results.Add(new ResultRow("shared-trunk", metric.TaskName, "accuracy", "test", metric.Multitask, seed));
            results.Add(new ResultRow("single-modality", metric.TaskName, "accuracy", "test", metric.Baseline, seed));
        }

        results.Add(new ResultRow("shared-trunk", "all", "delta-m", "test", comparison.MeanRelativeGain, seed));
        AnsiConsole.Write(table);
        Console.WriteLine($"Δm (accuracy) of sharing across modalities: {comparison.MeanRelativeGain.ToString("+0.00%;-0.00%", CultureInfo.InvariantCulture)}. Finished in {clock.Elapsed.TotalSeconds:F0} s.");
        if (jsonPath is not null)
        {
            ResultsFile.Write(jsonPath, "spoken-and-written-digits", results);
            Console.WriteLine($"Results written to {Path.GetFullPath(jsonPath)}.");
        }

        return 0;
    }
}
