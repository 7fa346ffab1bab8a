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
    public const int DefaultEpochs = 100;

    public const int SettleEpochs = 10;

    public static int Run(TextWriter output, int epochs = DefaultEpochs)
    {
        output.WriteLine($"Memory over {epochs} epochs of the small workload ({epochs * 312:N0} steps), sampled after every epoch; slope = least-squares fit over epochs {SettleEpochs + 1}–{epochs}.");
        output.WriteLine();
        output.WriteLine("| engine | RSS after epoch 1 → 10 → last (MB) | RSS slope after epoch 10 | managed heap after epoch 10 → last (MB) | live tensors after epoch 1 → last | live-tensor slope | steps/s |");
        output.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var engine in new[] { "fused", "autograd" })
        {
            var json = ChildProcess.RunSelf(["memory-once", "--engine", engine, "--epochs", epochs.ToString(CultureInfo.InvariantCulture)]);
            var trace = JsonSerializer.Deserialize<MemoryTrace>(json.Trim().Split('\n')[^1])!;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {engine} | {trace.RssMegabytes[0]:F1} → {trace.RssMegabytes[SettleEpochs - 1]:F1} → {trace.RssMegabytes[^1]:F1} | {Slope(trace.RssMegabytes) * 1024:F1} KB/epoch | {trace.ManagedMegabytes[SettleEpochs - 1]:F1} → {trace.ManagedMegabytes[^1]:F1} | {trace.LiveTensors[0]} → {trace.LiveTensors[^1]} | {Slope(trace.LiveTensors.Select(v => (double)v).ToArray()):F3}/epoch | {trace.StepsPerSecond:F0} |"));
            output.Flush();
        }

        return 0;
    }

    /// <summary>One 100-epoch run in this process; prints the trace as JSON.</summary>
    public static int RunOnce(string engine, int epochs)
    {
        var data = MnistWorkload.Load();
        var dataset = LibraryRun.Dataset(data);
        var size = WorkloadSize.Small;
        var options = LibraryRun.Options(size, threads: 1, epochs: epochs, engine: Enum.Parse<TrainingEngine>(engine, ignoreCase: true));
        var rss = new List<double>();
        var live = new List<long>();
        var managed = new List<double>();
        var process = Process.GetCurrentProcess();
        var elapsed = 0.0;
        var trainer = new MultitaskTrainer(options);
        using (var model = trainer.Fit(LibraryRun.Definition(dataset, size), dataset, progress: new SynchronousProgress<TrainingProgress>(p =>
        {
            process.Refresh();
            rss.Add(process.WorkingSet64 / (1024.0 * 1024.0));
            live.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
            managed.Add(GC.GetGCMemoryInfo().HeapSizeBytes / (1024.0 * 1024.0));
            elapsed = p.Elapsed.TotalSeconds;
        })))
        {
        }

        var steps = dataset.Count / size.BatchSize * epochs;
        Console.WriteLine(JsonSerializer.Serialize(new MemoryTrace(engine, rss.ToArray(), managed.ToArray(), live.ToArray(), steps / elapsed), ResultJson.Options));
        return 0;
    }

    /// <summary>Least-squares slope per epoch over the epochs after the settling period.</summary>
    public static double Slope(IReadOnlyList<double> values)
    {
        var xs = Enumerable.Range(SettleEpochs, values.Count - SettleEpochs).Select(i => (double)i).ToArray();
        return Summary.Slope(xs, xs.Select(x => values[(int)x]).ToArray());
    }

    /// <summary>The samples of one run.</summary>
    public sealed record MemoryTrace(string Engine, double[] RssMegabytes, double[] ManagedMegabytes, long[] LiveTensors, double StepsPerSecond);
}
