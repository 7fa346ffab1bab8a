using System.Globalization;
using System.Text.Json;

namespace MultitaskLearning.Benchmarks;

/// <summary>
/// The peer comparison: for each workload and core count, repeats interleaved runs of the PyTorch peer, the library
/// (public API) and the bare TorchSharp loop, each in a fresh process, and prints medians with min–max and the ratios
/// library / PyTorch and library / bare TorchSharp, after the processor's measured FMA peak and the peer's kernels.
/// </summary>
internal static class TrainComparison
{
    public static int Run(int repeats, IReadOnlyList<int> cores, string python, IReadOnlyList<TrainWorkload> workloads, TextWriter output)
    {
        output.WriteLine($"Processor: {ProcessorName()}; {System.Environment.ProcessorCount} logical cores.");
        var peaks = cores.Distinct().ToDictionary(c => c, PeakFlops.Measure);
        output.WriteLine($"Measured FMA peak ({PeakFlops.Isa}): " + string.Join(", ", peaks.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Value:F0} GFLOP/s on {p.Key} thread(s)"))) + ".");
        var (peer, reason) = PeerRunner.TryCreate(python);
        using var _ = peer;
        if (peer is null)
        {
            output.WriteLine($"PyTorch peer skipped: {reason}");
        }
        else
        {
            output.WriteLine($"PyTorch {peer.Version}; OpenBLAS kernels by OPENBLAS_CORETYPE (1024³ GFLOP/s, 1 thread): {peer.KernelReport}; chosen: {peer.CoreType ?? "auto"}.");
            output.WriteLine("PyTorch 2048³ product with those kernels: " + string.Join(", ", peer.GemmGflops.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Value:F0} GFLOP/s ({100 * p.Value / peaks.GetValueOrDefault(p.Key, double.NaN):F0} % of peak) on {p.Key} thread(s)"))) + ".");
        }

        output.WriteLine($"Training steps/s, median (min–max) of {repeats} interleaved runs; every run in a fresh process. Library = MultitaskTrainer (engine chosen automatically); bare = hand-written TorchSharp loop.");
        output.WriteLine("PyTorch: 1 core = torch 1 thread + OpenBLAS 1; 2 cores = the fastest of torch 1 + OpenBLAS 2, torch 2 + OpenBLAS 1, torch 2 + OpenBLAS 2 (first run of each).");
        output.WriteLine();
        output.WriteLine("| workload | cores | PyTorch | library | library / PyTorch | bare TorchSharp | library / bare | accuracy digit/parity (library; PyTorch) |");
        output.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var workload in workloads)
        {
            foreach (var c in cores)
            {
                var peerRuns = new List<RunResult>();
                var libraryRuns = new List<RunResult>();
                var bareRuns = new List<RunResult>();
                for (var r = 0; r < repeats; r++)
                {
                    if (peer is not null)
                    {
                        peerRuns.Add(peer.Train(workload, c));
                    }

                    libraryRuns.Add(Child("library", workload, c));
                    bareRuns.Add(Child("torchsharp", workload, c));
                }

                var p = Summary.Of(peerRuns.Select(x => x.StepsPerSecond));
                var l = Summary.Of(libraryRuns.Select(x => x.StepsPerSecond));
                var b = Summary.Of(bareRuns.Select(x => x.StepsPerSecond));
                var accuracy = string.Create(CultureInfo.InvariantCulture, $"{Summary.Of(libraryRuns.Select(x => x.DigitAccuracy)).Median:F4}/{Summary.Of(libraryRuns.Select(x => x.ParityAccuracy)).Median:F4}; ")
                    + (peerRuns.Count == 0 ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{Summary.Of(peerRuns.Select(x => x.DigitAccuracy)).Median:F4}/{Summary.Of(peerRuns.Select(x => x.ParityAccuracy)).Median:F4}"));
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {workload.Name} | {c} | {p.Format("F0")} | {l.Format("F0")} | {Ratio(l, p)} | {b.Format("F0")} | {Ratio(l, b)} | {accuracy} |"));
                output.Flush();
            }
        }

        if (peer is not null)
        {
            output.WriteLine();
            output.WriteLine($"PyTorch's two-core thread splits: {peer.Splits}.");
            Accuracies(peer, workloads, output);
        }

        return 0;
    }

    /// <summary>Final accuracies over seeds 0–4 (data order and initial weights), the noise to compare them within.</summary>
    private static void Accuracies(PeerRunner peer, IReadOnlyList<TrainWorkload> workloads, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine("Final accuracy over seeds 0–4 (the seed sets the data order and the initial weights in both), 1 core, median (min–max):");
        output.WriteLine();
        output.WriteLine("| workload | PyTorch digit | library digit | PyTorch parity | library parity |");
        output.WriteLine("|---|---|---|---|---|");
        foreach (var workload in workloads)
        {
            var peerRuns = Enumerable.Range(0, 5).Select(seed => peer.Train(workload, 1, seed)).ToArray();
            var libraryRuns = Enumerable.Range(0, 5).Select(seed => Child("library", workload, 1, seed)).ToArray();
            output.WriteLine(
                $"| {workload.Name} | {Summary.Of(peerRuns.Select(x => x.DigitAccuracy)).Format("F4")} | {Summary.Of(libraryRuns.Select(x => x.DigitAccuracy)).Format("F4")} | " +
                $"{Summary.Of(peerRuns.Select(x => x.ParityAccuracy)).Format("F4")} | {Summary.Of(libraryRuns.Select(x => x.ParityAccuracy)).Format("F4")} |");
            output.Flush();
        }
    }

    /// <summary>The model name and family from /proc/cpuinfo (Linux), else the vendor the library detected.</summary>
    internal static string ProcessorName()
    {
        var identity = MultitaskLearning.Runtime.ProcessorIdentity.Current;
        var name = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        return string.Create(CultureInfo.InvariantCulture, $"{name ?? identity.Vendor}, family {identity.Family:X}h");
    }

    private static string Ratio(Summary a, Summary b) => a.Count == 0 || b.Count == 0 ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{a.Median / b.Median:F2}×");

    private static RunResult Child(string implementation, TrainWorkload workload, int threads, int seed = 0)
    {
        var json = ChildProcess.RunSelf(["train-once", "--implementation", implementation, .. workload.Arguments, "--threads", threads.ToString(CultureInfo.InvariantCulture), "--seed", seed.ToString(CultureInfo.InvariantCulture), "--json"]);
        return JsonSerializer.Deserialize<RunResult>(json.Trim().Split('\n')[^1], ResultJson.Options) ?? throw new InvalidDataException($"No result from the {implementation} run: {json}");
    }
}
