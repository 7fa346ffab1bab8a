using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MultitaskLearning.Training;
using TorchSharp;

namespace MultitaskLearning.Benchmarks;

/// <summary>
/// Flat memory: trains the <c>small</c> workload for 100 epochs and samples the process RSS and TorchSharp's live
/// tensor count after every epoch; reports the least-squares slope after the first epochs.
/// </summary>
internal static class MemoryBenchmark
{
    public const int Epochs = 100;

    public const int SettleEpochs = 10;

    public static int Run(TextWriter output)
    {
        output.WriteLine($"Memory over {Epochs} epochs of the small workload (29,250 steps), sampled after every epoch; slope = least-squares fit over epochs {SettleEpochs + 1}–{Epochs}.");
        output.WriteLine();
        output.WriteLine("| engine | RSS after epoch 1 → 10 → 100 (MB) | RSS slope after epoch 10 | live tensors after epoch 1 → 100 | live-tensor slope | steps/s |");
        output.WriteLine("|---|---|---|---|---|---|");
        foreach (var engine in new[] { "fused", "autograd" })
        {
            var json = ChildProcess.RunSelf(["memory-once", "--engine", engine]);
            var trace = JsonSerializer.Deserialize<MemoryTrace>(json.Trim().Split('\n')[^1])!;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {engine} | {trace.RssMegabytes[0]:F1} → {trace.RssMegabytes[SettleEpochs - 1]:F1} → {trace.RssMegabytes[^1]:F1} | {Slope(trace.RssMegabytes) * 1024:F1} KB/epoch | {trace.LiveTensors[0]} → {trace.LiveTensors[^1]} | {Slope(trace.LiveTensors.Select(v => (double)v).ToArray()):F3}/epoch | {trace.StepsPerSecond:F0} |"));
            output.Flush();
        }

        return 0;
    }

    /// <summary>One 100-epoch run in this process; prints the trace as JSON.</summary>
    public static int RunOnce(string engine)
    {
        var data = MnistWorkload.Load();
        var dataset = LibraryRun.Dataset(data);
        var size = WorkloadSize.Small;
        var options = LibraryRun.Options(size, threads: 1, epochs: Epochs, engine: Enum.Parse<TrainingEngine>(engine, ignoreCase: true));
        var rss = new List<double>();
        var live = new List<long>();
        var process = Process.GetCurrentProcess();
        var elapsed = 0.0;
        var trainer = new MultitaskTrainer(options);
        using (var model = trainer.Fit(LibraryRun.Definition(dataset, size), dataset, progress: new SynchronousProgress<TrainingProgress>(p =>
        {
            process.Refresh();
            rss.Add(process.WorkingSet64 / (1024.0 * 1024.0));
            live.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
            elapsed = p.Elapsed.TotalSeconds;
        })))
        {
        }

        var steps = dataset.Count / size.BatchSize * Epochs;
        Console.WriteLine(JsonSerializer.Serialize(new MemoryTrace(engine, rss.ToArray(), live.ToArray(), steps / elapsed), ResultJson.Options));
        return 0;
    }

    /// <summary>Least-squares slope per epoch over the epochs after the settling period.</summary>
    public static double Slope(IReadOnlyList<double> values)
    {
        var xs = Enumerable.Range(SettleEpochs, values.Count - SettleEpochs).Select(i => (double)i).ToArray();
        var ys = xs.Select(x => values[(int)x]).ToArray();
        var mx = xs.Average();
        var my = ys.Average();
        var sxx = xs.Sum(x => (x - mx) * (x - mx));
        return xs.Zip(ys, (x, y) => (x - mx) * (y - my)).Sum() / sxx;
    }

    /// <summary>The samples of one run.</summary>
    public sealed record MemoryTrace(string Engine, double[] RssMegabytes, long[] LiveTensors, double StepsPerSecond);
}
