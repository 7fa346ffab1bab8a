using System.Diagnostics;
using System.Globalization;
using MultitaskLearning.Audio;
using MultitaskLearning.Data;
using MultitaskLearning.Models;
using MultitaskLearning.Tasks;
using MultitaskLearning.Training;
using MultitaskLearning.Vision;
using SkiaSharp;

namespace MultitaskLearning.Benchmarks;

/// <summary>
/// Data-pipeline throughput on the vendored data: FSDD WAV → log-mel features and MNIST images → tensors (IDX, and PNG
/// files written from the IDX images), cold (first read: decode) and warm (second read through the same
/// <see cref="FeatureCache"/>), with 1 and 2 decoding threads; compared with one training epoch on the same data.
/// </summary>
internal static class PipelineBenchmark
{
    public static int Run(TextWriter output)
    {
        var root = Path.GetDirectoryName(MnistWorkload.DataDirectory())!;
        var wavs = LabeledFileSources.FromFileNamePattern(Path.Combine(root, "fsdd", "recordings"), "{digit}_{speaker}_{index}.wav");
        var speechTasks = new[] { TaskDefinition.Multiclass("digit", 10), TaskDefinition.Multiclass("speaker", wavs.Select(w => w.Fields["speaker"]).Distinct().Order(StringComparer.Ordinal).ToArray()) };
        var audio = new AudioFeatureOptions { SampleRate = 8000, DurationSeconds = 1.0, FftSize = 256, HopLength = 80, MelBands = 40 };

        var pngFolder = Path.Combine(Path.GetTempPath(), $"mtl-bench-png-{Environment.ProcessId}");
        var pngs = WritePngs(pngFolder, 3000);
        var imageTasks = new[] { TaskDefinition.Multiclass("label", 10) };
        var image = new ImageOptions { Width = 28, Height = 28 };
        output.WriteLine("Data pipeline, files/s (cold = first read, decoding; warm = second read of the same files from the in-memory feature cache).");
        output.WriteLine();
        output.WriteLine("| data | threads | files | cold files/s | warm files/s | one training epoch on it |");
        output.WriteLine("|---|---|---|---|---|---|");
        try
        {
            foreach (var threads in new[] { 1, 2 })
            {
                var options = new LabeledFileDatasetOptions { InputName = "audio", MaxDegreeOfParallelism = threads };
                var (cold, warm, data) = Measure(cache => SpeechDatasetReader.Read(wavs, speechTasks, audio, options, cache));
                output.WriteLine(Row("FSDD WAV → log-mel [1, 40, 101]", threads, wavs.Count, cold, warm, Epoch(data.Dataset, threads)));
                output.Flush();
            }

            foreach (var threads in new[] { 1, 2 })
            {
                var options = new LabeledFileDatasetOptions { InputName = "image", MaxDegreeOfParallelism = threads };
                var (cold, warm, data) = Measure(cache => ImageDatasetReader.Read(pngs, imageTasks, image, options, cache));
                output.WriteLine(Row("MNIST PNG → [1, 28, 28]", threads, pngs.Count, cold, warm, Epoch(data.Dataset, threads)));
                output.Flush();
            }

            var idx = Path.Combine(MnistWorkload.DataDirectory(), "t10k-images-idx3-ubyte.gz");
            var labels = Path.Combine(MnistWorkload.DataDirectory(), "t10k-labels-idx1-ubyte.gz");
            var clock = Stopwatch.StartNew();
            var dataset = ImageDatasetReader.ReadIdx(idx, labels, imageTasks[0]);
            var seconds = clock.Elapsed.TotalSeconds;
            output.WriteLine(Row("MNIST IDX (gzip) → [1, 28, 28]", 1, dataset.Count, seconds, double.NaN, Epoch(dataset, 1)));
        }
        finally
        {
            Directory.Delete(pngFolder, recursive: true);
        }

        return 0;
    }

    private static (double Cold, double Warm, LabeledFileData Data) Measure(Func<FeatureCache, LabeledFileData> read)
    {
        var cache = new FeatureCache();
        var clock = Stopwatch.StartNew();
        read(cache);
        var cold = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var data = read(cache);
        var warm = clock.Elapsed.TotalSeconds;
        return (cold, warm, data);
    }

    /// <summary>Seconds of one training epoch (shared trunk [128, 64], batch 64) on the dataset.</summary>
    private static double Epoch(MultitaskDataset dataset, int threads)
    {
        var definition = MultitaskModelBuilder.FromDataset(dataset).UseFamily(ModelFamily.SharedTrunk, new ArchitectureOptions { TrunkLayers = [128, 64] }).Build();
        var trainer = new MultitaskTrainer(new TrainerOptions { Epochs = 2, BatchSize = 64, Threads = threads });
        var epochs = new List<double>();
        using var model = trainer.Fit(definition, dataset, progress: new SynchronousProgress<TrainingProgress>(p => epochs.Add(p.Elapsed.TotalSeconds)));
        return epochs[1] - epochs[0];
    }

    private static string Row(string data, int threads, int files, double cold, double warm, double epoch) => string.Create(
        CultureInfo.InvariantCulture,
        $"| {data} | {threads} | {files} | {files / cold:F0} ({cold:F2} s) | {(double.IsNaN(warm) ? "–" : $"{files / warm:F0} ({warm:F3} s)")} | {epoch:F3} s |");

    /// <summary>Writes the first <paramref name="count"/> MNIST test images as 8-bit grey PNG files, a folder per label.</summary>
    private static IReadOnlyList<LabeledFile> WritePngs(string folder, int count)
    {
        var dir = MnistWorkload.DataDirectory();
        var (pixels, _, rows, columns) = IdxReader.ReadImages(Path.Combine(dir, "t10k-images-idx3-ubyte.gz"));
        var labels = IdxReader.ReadLabels(Path.Combine(dir, "t10k-labels-idx1-ubyte.gz"));
        for (var i = 0; i < count; i++)
        {
            var labelFolder = Path.Combine(folder, labels[i].ToString(CultureInfo.InvariantCulture));
            Directory.CreateDirectory(labelFolder);
            using var bitmap = new SKBitmap(new SKImageInfo(columns, rows, SKColorType.Gray8, SKAlphaType.Opaque));
            System.Runtime.InteropServices.Marshal.Copy(pixels, i * rows * columns, bitmap.GetPixels(), rows * columns);
            using var encoded = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(Path.Combine(labelFolder, $"{i:D5}.png"), encoded.ToArray());
        }

        return LabeledFileSources.FromFolderPerLabel(folder);
    }
}
