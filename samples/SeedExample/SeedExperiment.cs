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

/// <summary>
/// Trains every model family on speech + images for each seed, reports held-out accuracy (mean ± standard deviation over
/// the seeds) with Δm against the task-specific baseline, then saves, loads and predicts with the first seed's
/// shared-trunk model.
/// </summary>
internal static class SeedExperiment
{
    private static readonly AudioFeatureOptions AudioFeatures = new() { SampleRate = 16_000, DurationSeconds = SeedDataGenerator.ClipSeconds, FftSize = 512, HopLength = 320, MelBands = 40 };
    private static readonly ImageOptions Images = new() { Width = 32, Height = 32, Grayscale = true, InkThreshold = 0.85f };
    private static readonly TaskDefinition Speech = TaskDefinition.Multiclass("speech", "hello", "i am", "please", "thank");
    private static readonly TaskDefinition Picture = TaskDefinition.Multiclass("image", "cat", "dog", "bird", "fish");
    private static readonly LabeledFileDatasetOptions SpeechFiles = new() { InputName = "audio", TaskFields = new Dictionary<string, string> { ["speech"] = "text" } };
    private static readonly LabeledFileDatasetOptions ImageFiles = new() { InputName = "image", TaskFields = new Dictionary<string, string> { ["image"] = "label" } };

    public static int Run(SeedRunOptions run)
    {
        var clock = Stopwatch.StartNew();
        var data = SeedData.Load(run.DataFolder);
        Console.WriteLine(FormattableString.Invariant(
            $"Data: {data.TrainingClips.Count} training clips / {data.TestClips.Count} test clips (voices {string.Join(", ", data.Split.TestVoices)}; noise {data.Split.TestNoise}); {data.TrainingImages.Count * (1 + ImageCopies)} training images ({data.TrainingImages.Count} files and {ImageCopies} augmented copy of each) / {data.TestImages.Count} test images (fonts {string.Join(", ", data.Split.TestFonts)})."));
        var testSpeech = SpeechDatasetReader.Read(data.TestClips, [Speech], AudioFeatures, SpeechFiles).Dataset;
        var testCharacters = ImageDatasetReader.Read(data.TestImages.Where(f => f.Fields["kind"] == "character").ToArray(), [Picture], Images, ImageFiles).Dataset;
        var testEmoji = ImageDatasetReader.Read(data.TestImages.Where(f => f.Fields["kind"] == "emoji").ToArray(), [Picture], Images, ImageFiles).Dataset;
        var test = MultitaskDataset.Merge(testSpeech, ImageDatasetReader.Read(data.TestImages, [Picture], Images, ImageFiles).Dataset);
        var loading = clock.Elapsed;

        var results = new List<FamilyResult>();
        var progress = new ConsoleProgress { PlainEvery = 10 };
        var trainingReport = run.ReportPath is null ? null : new TrainingReport("Speech and images in one model: the seed example")
        {
            Description = FormattableString.Invariant(
                $"Six model families trained on Mandarin speech (4 phrases) and animal pictures (4 classes: the characters 猫 狗 鸟 鱼 and animal emoji); test data are unseen voices with an unseen noise type and two unseen fonts (one Chinese, one emoji), as split.json defines them. Seed {run.Seeds[0]}, at most {run.Epochs} epochs, early stopping on mean validation accuracy. The task-specific family is the single-task baseline."),
        };
        var training = TimeSpan.Zero;
        foreach (var seed in run.Seeds)
        {
            var loadClock = Stopwatch.StartNew();
            var train = MultitaskDataset.Merge(
                SpeechDatasetReader.Read(data.TrainingClips, [Speech], AudioFeatures, SpeechFiles).Dataset,
                ImageDatasetReader.Read(data.TrainingImages, [Picture], Images, ImageFiles, augmentation: new ImageAugmentation { Copies = ImageCopies, MaxRotationDegrees = 10, MaxShift = 0.08, MaxScale = 0.15, ColorJitter = 0.3, Seed = seed }).Dataset);
            var inner = DatasetSplitter.Split(train, new SplitOptions { TrainFraction = 0.85, ValidationFraction = 0.15, Seed = seed });
            loading += loadClock.Elapsed;
            var isFirst = seed == run.Seeds[0];
            foreach (var family in Enum.GetValues<ModelFamily>())
            {
                var options = TrainerOptionsFor(run, seed, trainingReport is not null && isFirst && family == ModelFamily.SharedTrunk);
                var familyClock = Stopwatch.StartNew();
                using var model = progress.Run(run.Seeds.Count == 1 ? family.ToName() : $"{family.ToName()} (seed {seed})", options, reporter => new MultitaskTrainer(options).Fit(Architecture(inner.Train, family), inner.Train, inner.Validation, reporter));
                training += familyClock.Elapsed;
                var report = model.Evaluate(test);
                results.Add(new FamilyResult(
                    family, seed, report["speech"][MetricKind.Accuracy], report["image"][MetricKind.Accuracy],
                    model.Evaluate(testCharacters)["image"][MetricKind.Accuracy], model.Evaluate(testEmoji)["image"][MetricKind.Accuracy],
                    model.TrainingHistory!.Epochs.Count, familyClock.Elapsed.TotalSeconds));
                if (isFirst)
                {
                    trainingReport?.AddRun(family.ToName(), model.TrainingHistory!);
                    if (family == ModelFamily.SharedTrunk)
                    {
                        model.Save(run.ModelPath);
                        model.ExportOnnx(OnnxPathOf(run.ModelPath));
                        trainingReport?.AddConfusionMatrices(model.Predict(test), family.ToName());
                    }
                }
            }
        }

        AnsiConsole.Write(ResultTable(results, run.Seeds));
        using (var loaded = MultitaskModel.Load(run.ModelPath))
        {
            var reloaded = loaded.Evaluate(test);
            Console.WriteLine(FormattableString.Invariant(
                $"Saved the shared-trunk model (seed {run.Seeds[0]}) to {Path.GetFullPath(run.ModelPath)} (and its ONNX form to {Path.GetFileName(OnnxPathOf(run.ModelPath))}) and loaded it back: speech {reloaded["speech"][MetricKind.Accuracy]:P1}, image {reloaded["image"][MetricKind.Accuracy]:P1}."));
            using var predictor = loaded.CreatePredictor();
            foreach (var file in run.Predict)
            {
                Console.WriteLine(Predict(predictor, file));
            }
        }

        Console.WriteLine(FormattableString.Invariant(
            $"Time: data loading {loading.TotalSeconds:F1} s, training {training.TotalSeconds:F1} s ({results.Count} models), everything else (evaluation, saving, ONNX export) {(clock.Elapsed - loading - training).TotalSeconds:F1} s; {clock.Elapsed.TotalSeconds:F0} s in all."));
        var rows = ResultRows(results).ToArray();
        if (run.JsonPath is not null)
        {
            ResultsFile.Write(run.JsonPath, "seed-example", rows);
            Console.WriteLine($"Results written to {Path.GetFullPath(run.JsonPath)}.");
        }

        if (trainingReport is not null)
        {
            trainingReport.AddComparison(
                "held-out test accuracy",
                rows.Where(r => r.Metric == "accuracy" && r.Run == run.Seeds[0]).Select(r => new ComparisonEntry(r.Model, r.Task, r.Value)),
                baseline: ModelFamily.TaskSpecific.ToName(),
                caption: "Test accuracy on unseen voices and noise (speech) and unseen fonts (image, also split into characters and emoji) of every family; the grey bars are the task-specific family, one independent network per task (the single-task baseline). Chance is 0.25.");
            var written = trainingReport.WriteTo(run.ReportPath!);
            Console.WriteLine($"Report written to {written.IndexPath} ({written.Images.Count} charts).");
        }

        return 0;
    }

    /// <summary>One augmented copy of every training image (rotation, shift, scale, ink jitter) besides the original.</summary>
    private const int ImageCopies = 1;

    private static MultitaskModelDefinition Architecture(MultitaskDataset train, ModelFamily family) =>
        MultitaskModelBuilder.FromDataset(train, input => input with
        {
            Encoder = EncoderKind.Convolutional,
            ConvolutionChannels = [8, 16],
            EncoderLayers = [64],
        })
            .UseFamily(family, new ArchitectureOptions { TrunkLayers = [64], TowerLayers = [32], Dropout = 0.3 })
            .Build();

    private static TrainerOptions TrainerOptionsFor(SeedRunOptions run, int seed, bool recordTaskRelationships) => new()
    {
        Epochs = run.Epochs,
        Logger = SampleLogging.Create("trainer"),
        BatchSize = 128,
        Optimizer = OptimizerKind.Adam,
        LearningRate = 0.002,
        WeightDecay = 1e-4,
        Seed = seed,
        Threads = run.Threads,
        EarlyStopping = new EarlyStoppingOptions { Patience = 4, Monitor = MonitoredMetric.Mean(MetricKind.Accuracy) },
        // For the report's task-relationship heatmap: the gradient cosines of the two tasks on the shared trunk.
        RecordTaskRelationships = recordTaskRelationships,
    };

    private static Table ResultTable(IReadOnlyList<FamilyResult> results, IReadOnlyList<int> seeds)
    {
        var title = seeds.Count == 1
            ? $"Held-out test accuracy (unseen voices and noise, unseen fonts), seed {seeds[0]}"
            : $"Held-out test accuracy (unseen voices and noise, unseen fonts), mean ± standard deviation over seeds {string.Join(", ", seeds)}";
        var table = new Table().Title(title).AddColumn("model");
        foreach (var column in new[] { "speech", "image", "characters", "emoji", "Δm", "epochs", "training time" })
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }

        foreach (var family in Enum.GetValues<ModelFamily>())
        {
            var runs = results.Where(r => r.Family == family).ToArray();
            var deltas = runs.Select(r => r.DeltaM(results.Single(b => b.Family == ModelFamily.TaskSpecific && b.Seed == r.Seed))).ToArray();
            table.AddRow(
                family.ToName(),
                Percent(runs.Select(r => r.Speech)), Percent(runs.Select(r => r.Image)), Percent(runs.Select(r => r.Characters)), Percent(runs.Select(r => r.Emoji)),
                family == ModelFamily.TaskSpecific ? "baseline" : Spread(deltas, "+0.0;−0.0;0.0", " %"),
                Spread(runs.Select(r => (double)r.Epochs).ToArray(), "0.#", string.Empty),
                Spread(runs.Select(r => r.TrainingSeconds).ToArray(), "0.0", " s"));
        }

        return table;
    }

    private static string Percent(IEnumerable<double> fractions) => Spread(fractions.Select(f => 100 * f).ToArray(), "0.0", " %");

    /// <summary>The value, or with several: the mean ± the sample standard deviation.</summary>
    private static string Spread(IReadOnlyList<double> values, string format, string unit)
    {
        var mean = values.Average();
        if (values.Count == 1)
        {
            return mean.ToString(format, CultureInfo.InvariantCulture) + unit;
        }

        var deviation = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
        return $"{mean.ToString(format, CultureInfo.InvariantCulture)} ± {deviation.ToString("0.0", CultureInfo.InvariantCulture)}{unit}";
    }

    private static IEnumerable<ResultRow> ResultRows(IReadOnlyList<FamilyResult> results)
    {
        foreach (var r in results)
        {
            var name = r.Family.ToName();
            yield return new ResultRow(name, "speech", "accuracy", "test", r.Speech, r.Seed);
            yield return new ResultRow(name, "image", "accuracy", "test", r.Image, r.Seed);
            yield return new ResultRow(name, "image (characters)", "accuracy", "test", r.Characters, r.Seed);
            yield return new ResultRow(name, "image (emoji)", "accuracy", "test", r.Emoji, r.Seed);
            var baseline = results.Single(b => b.Family == ModelFamily.TaskSpecific && b.Seed == r.Seed);
            yield return new ResultRow(name, "all", "delta-m", "test", r.DeltaM(baseline) / 100, r.Seed);
        }
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
