using System.Diagnostics;
using System.Globalization;
using MultitaskLearning.Audio;
using MultitaskLearning.Data;
using MultitaskLearning.Models;
using MultitaskLearning.Reporting;
using MultitaskLearning.Tasks;
using MultitaskLearning.Training;
using MultitaskLearning.Vision;
using Spectre.Console;

namespace MultitaskLearning.Samples.SeedExample;

/// <summary>Trains the three families on speech + images, reports held-out accuracy, saves, loads and predicts.</summary>
internal static class SeedExperiment
{
    private static readonly AudioFeatureOptions AudioFeatures = new() { SampleRate = 16_000, DurationSeconds = SeedDataGenerator.ClipSeconds, FftSize = 512, HopLength = Knob("HOP", 320), MelBands = 40 };
    private static readonly ImageOptions Images = new() { Width = 32, Height = 32, Grayscale = true, InkThreshold = 0.85f };
    private static readonly TaskDefinition Speech = TaskDefinition.Multiclass("speech", "hello", "i am", "please", "thank");
    private static readonly TaskDefinition Picture = TaskDefinition.Multiclass("image", "cat", "dog", "bird", "fish");
    // Exploration knobs (issue 15 groundwork): SEED_<NAME> environment variables override the defaults.
    private static int Knob(string name, int fallback) => int.TryParse(Environment.GetEnvironmentVariable("SEED_" + name), out var v) ? v : fallback;
    private static string KnobText(string name, string fallback) => Environment.GetEnvironmentVariable("SEED_" + name) ?? fallback;
    private static readonly int AudioCopies = Knob("AUDIO_COPIES", 0);
    private static readonly int ImageCopies = Knob("IMAGE_COPIES", 1);
    private static readonly int BatchSize = Knob("BATCH", 64);
    private static readonly int Patience = Knob("PATIENCE", 4);
    private static readonly int[] Channels = KnobText("CHANNELS", "8,16").Split(',').Select(int.Parse).ToArray();
    private static readonly int EncoderWidth = Knob("ENCODER", 64);
    private static readonly string Families = KnobText("FAMILIES", "");

    public static int Run(string dataFolder, int epochs, int seed, string modelPath, IReadOnlyList<string> predict, string? jsonPath, string? reportPath, int? threads)
    {
        var clock = Stopwatch.StartNew();
        var speechFiles = LabeledFileSources.FromManifest(Path.Combine(dataFolder, "speech", "manifest.csv"));
        var imageFiles = LabeledFileSources.FromManifest(Path.Combine(dataFolder, "images", "manifest.csv"));
        var speechOptions = new LabeledFileDatasetOptions { InputName = "audio", TaskFields = new Dictionary<string, string> { ["speech"] = "text" } };
        var imageOptions = new LabeledFileDatasetOptions { InputName = "image", TaskFields = new Dictionary<string, string> { ["image"] = "label" } };

        // The manifests hold Chinese text; the speech task's vocabulary holds the English meanings.
        var meaning = SeedDataGenerator.Phrases.ToDictionary(p => p.Text, p => p.Label);
        speechFiles = speechFiles.Select(f => f with { Fields = new Dictionary<string, string>(f.Fields) { ["text"] = meaning[f.Fields["text"]] } }).ToArray();

        // The held-out fonts, voices and noise type come from split.json, the one place that defines them.
        var split = SeedSplit.Read(dataFolder);
        var trainingClips = speechFiles.Where(f => split.IsTrainingClip(f.Fields)).ToArray();
        var testClips = speechFiles.Where(f => split.IsTestClip(f.Fields)).ToArray();
        var trainingFonts = KnobText("TRAIN_FONTS", "");
        var trainingEmojiFonts = KnobText("TRAIN_EMOJI_FONTS", "");
        var trainingImages = imageFiles.Where(f => !split.IsTestImage(f.Fields)
            && (trainingFonts.Length == 0 || f.Fields["kind"] != "character" || trainingFonts.Split(',').Contains(f.Fields["font"]))
            && (trainingEmojiFonts.Length == 0 || f.Fields["kind"] != "emoji" || trainingEmojiFonts.Split(',').Contains(f.Fields["font"]))).ToArray();
        var testImages = imageFiles.Where(f => split.IsTestImage(f.Fields)).ToArray();
        var train = MultitaskDataset.Merge(
            SpeechDatasetReader.Read(trainingClips, [Speech], AudioFeatures, speechOptions, augmentation: new AudioAugmentation { Copies = AudioCopies, Seed = seed }).Dataset,
            ImageDatasetReader.Read(trainingImages, [Picture], Images, imageOptions, augmentation: new ImageAugmentation { Copies = ImageCopies, MaxRotationDegrees = Knob("ROTATION", 10), MaxShift = 0.08, MaxScale = Knob("SCALE_PERCENT", 15) / 100.0, ColorJitter = 0.3, Seed = seed }).Dataset);
        var testSpeech = SpeechDatasetReader.Read(testClips, [Speech], AudioFeatures, speechOptions).Dataset;
        var testCharacters = ImageDatasetReader.Read(testImages.Where(f => f.Fields["kind"] == "character").ToArray(), [Picture], Images, imageOptions).Dataset;
        var testEmoji = ImageDatasetReader.Read(testImages.Where(f => f.Fields["kind"] == "emoji").ToArray(), [Picture], Images, imageOptions).Dataset;
        var test = MultitaskDataset.Merge(testSpeech, ImageDatasetReader.Read(testImages, [Picture], Images, imageOptions).Dataset);
        Console.WriteLine(FormattableString.Invariant(
            $"Data: {train.GetTargets("speech").LabelledCount} training clips ({trainingClips.Length} files and {AudioCopies} augmented copies of each) / {test.GetTargets("speech").LabelledCount} test clips (voices {string.Join(", ", split.TestVoices)}; noise {split.TestNoise}); {train.GetTargets("image").LabelledCount} training images ({trainingImages.Length} files and {ImageCopies} augmented copies) / {test.GetTargets("image").LabelledCount} test images (fonts {string.Join(", ", split.TestFonts)}); loaded in {clock.Elapsed.TotalSeconds:F1} s."));

        var inner = DatasetSplitter.Split(train, new SplitOptions { TrainFraction = 0.85, ValidationFraction = 0.15, Seed = seed });
        var results = new List<ResultRow>();
        var table = new Table().Title("Held-out test accuracy (unseen voices and noise, unseen fonts)")
            .AddColumn("model").AddColumn(new TableColumn("speech").RightAligned()).AddColumn(new TableColumn("image").RightAligned())
            .AddColumn(new TableColumn("characters").RightAligned()).AddColumn(new TableColumn("emoji").RightAligned()).AddColumn(new TableColumn("epochs").RightAligned()).AddColumn(new TableColumn("time").RightAligned());
        var progress = new ConsoleProgress { PlainEvery = 10 };
        var trainingReport = reportPath is null ? null : new TrainingReport("Speech and images in one model: the seed example")
        {
            Description = FormattableString.Invariant(
                $"Six model families trained on Mandarin speech (4 phrases) and animal-glyph images (4 classes); test data are unseen voices with an unseen noise type and two unseen fonts (one Chinese, one emoji), as split.json defines them. Seed {seed}, at most {epochs} epochs, early stopping on mean validation accuracy. The task-specific family is the single-task baseline."),
        };
        foreach (var family in Enum.GetValues<ModelFamily>().Where(f => Families.Length == 0 || Families.Split(',').Contains(f.ToName())))
        {
            var definition = MultitaskModelBuilder.FromDataset(inner.Train, input => input with
            {
                Encoder = EncoderKind.Convolutional,
                ConvolutionChannels = Channels,
                EncoderLayers = [EncoderWidth],
            })
                .UseFamily(family, new ArchitectureOptions { TrunkLayers = [64], TowerLayers = [32], Dropout = 0.3 })
                .Build();
            var options = new TrainerOptions
            {
                Epochs = epochs,
                Logger = SampleLogging.Create("trainer"),
                BatchSize = BatchSize,
                Optimizer = OptimizerKind.Adam,
                LearningRate = 0.001,
                WeightDecay = 1e-4,
                Seed = seed,
                Threads = threads,
                EarlyStopping = new EarlyStoppingOptions { Patience = Patience, Monitor = MonitoredMetric.Mean(MetricKind.Accuracy) },
                // For the report's task-relationship heatmap: the gradient cosines of the two tasks on the shared trunk.
                RecordTaskRelationships = trainingReport is not null && family == ModelFamily.SharedTrunk,
            };
            var familyClock = Stopwatch.StartNew();
            using var model = progress.Run(family.ToName(), options, reporter => new MultitaskTrainer(options).Fit(definition, inner.Train, inner.Validation, reporter));
            var report = model.Evaluate(test);
            var speechAccuracy = report["speech"][MetricKind.Accuracy];
            var imageAccuracy = report["image"][MetricKind.Accuracy];
            results.Add(new ResultRow(family.ToName(), "speech", "accuracy", "test", speechAccuracy, seed));
            results.Add(new ResultRow(family.ToName(), "image", "accuracy", "test", imageAccuracy, seed));
            var characterAccuracy = model.Evaluate(testCharacters)["image"][MetricKind.Accuracy];
            var emojiAccuracy = model.Evaluate(testEmoji)["image"][MetricKind.Accuracy];
            results.Add(new ResultRow(family.ToName(), "image (characters)", "accuracy", "test", characterAccuracy, seed));
            results.Add(new ResultRow(family.ToName(), "image (emoji)", "accuracy", "test", emojiAccuracy, seed));
            table.AddRow(family.ToName(), speechAccuracy.ToString("P1", CultureInfo.InvariantCulture), imageAccuracy.ToString("P1", CultureInfo.InvariantCulture),
                characterAccuracy.ToString("P1", CultureInfo.InvariantCulture), emojiAccuracy.ToString("P1", CultureInfo.InvariantCulture),
                model.TrainingHistory!.Epochs.Count.ToString(CultureInfo.InvariantCulture), FormattableString.Invariant($"{familyClock.Elapsed.TotalSeconds:F1} s"));
            trainingReport?.AddRun(family.ToName(), model.TrainingHistory!);
            if (family == ModelFamily.SharedTrunk)
            {
                model.Save(modelPath);
                model.ExportOnnx(OnnxPathOf(modelPath));
                trainingReport?.AddConfusionMatrices(model.Predict(test), family.ToName());
            }
        }

        AnsiConsole.Write(table);
        using (var loaded = MultitaskModel.Load(modelPath))
        {
            var reloaded = loaded.Evaluate(test);
            Console.WriteLine(FormattableString.Invariant(
                $"Saved the shared-trunk model to {Path.GetFullPath(modelPath)} (and its ONNX form to {Path.GetFileName(OnnxPathOf(modelPath))}) and loaded it back: speech {reloaded["speech"][MetricKind.Accuracy]:P1}, image {reloaded["image"][MetricKind.Accuracy]:P1}."));
            using var predictor = loaded.CreatePredictor();
            foreach (var file in predict)
            {
                Console.WriteLine(Predict(predictor, file));
            }
        }

        Console.WriteLine($"Finished in {clock.Elapsed.TotalSeconds:F0} s.");
        if (jsonPath is not null)
        {
            ResultsFile.Write(jsonPath, "seed-example", results);
            Console.WriteLine($"Results written to {Path.GetFullPath(jsonPath)}.");
        }

        if (trainingReport is not null)
        {
            trainingReport.AddComparison(
                "held-out test accuracy",
                results.Select(r => new ComparisonEntry(r.Model, r.Task, r.Value)),
                baseline: ModelFamily.TaskSpecific.ToName(),
                caption: "Test accuracy on unseen voices and noise (speech) and unseen fonts (image, also split into characters and emoji) of every family; the grey bars are the task-specific family, one independent network per task (the single-task baseline). Chance is 0.25.");
            var written = trainingReport.WriteTo(reportPath!);
            Console.WriteLine($"Report written to {written.IndexPath} ({written.Images.Count} charts).");
        }

        return 0;
    }

    /// <summary>Where the ONNX form of the saved model goes: next to it, with the extension .onnx.</summary>
    private static string OnnxPathOf(string modelPath) =>
        string.Equals(Path.GetExtension(modelPath), ".onnx", StringComparison.OrdinalIgnoreCase) ? modelPath + ".onnx" : Path.ChangeExtension(modelPath, ".onnx");

    private static string Predict(Inference.MultitaskPredictor predictor, string file)
    {
        try
        {
            var isAudio = file.EndsWith(".wav", StringComparison.OrdinalIgnoreCase);
            var sample = isAudio
                ? new AudioFeatureExtractor(AudioFeatures).Extract(WaveDecoder.Decode(file))
                : ImageDecoder.Decode(file, Images);
            var prediction = predictor.Predict(isAudio ? "audio" : "image", sample)[isAudio ? "speech" : "image"];
            var probabilities = string.Join(", ", prediction.Probabilities!.OrderByDescending(p => p.Value).Select(p => FormattableString.Invariant($"{p.Key} {p.Value:F3}")));
            return $"{file}: {prediction.Label} ({probabilities})";
        }
        catch (Exception ex) when (ex is InvalidDataException or FileNotFoundException)
        {
            return $"{file}: cannot classify: {ex.Message}";
        }
    }
}
