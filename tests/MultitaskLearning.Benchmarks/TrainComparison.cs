using System.Globalization;
using System.Text.Json;

namespace MultitaskLearning.Benchmarks;

/// <summary>
/// The peer comparison: for each variant and core count, repeats interleaved runs of the PyTorch peer, the library
/// (public API) and the bare TorchSharp loop, each in a fresh process, and prints medians with min–max and the ratios
/// library / PyTorch and library / bare TorchSharp.
/// </summary>
internal static class TrainComparison
{
    public static readonly (string Size, string Grad)[] Variants = [("big", "plain"), ("small", "plain"), ("big", "pcgrad"), ("small", "pcgrad")];

    public static int Run(int repeats, IReadOnlyList<int> cores, string python, IReadOnlyList<(string Size, string Grad)> variants, TextWriter output)
    {
        var (peer, reason) = PeerRunner.TryCreate(python);
        using var _ = peer;
        if (peer is null)
        {
            output.WriteLine($"PyTorch peer skipped: {reason}");
        }

        output.WriteLine($"Training steps/s, median (min–max) of {repeats} interleaved runs, 3 epochs of the MNIST workload; every run in a fresh process.");
        output.WriteLine($"PyTorch {peer?.Version ?? "n/a"} (torch 1 thread; OpenBLAS 1 or 2 threads); library = MultitaskTrainer (fused engine); bare = hand-written TorchSharp loop.");
        output.WriteLine();
        output.WriteLine("| variant | cores | PyTorch | library | library / PyTorch | bare TorchSharp | library / bare | accuracy digit/parity (library; PyTorch) |");
        output.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var (size, grad) in variants)
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
                        peerRuns.Add(peer.Train(WorkloadSize.Parse(size), grad, c));
                    }

                    libraryRuns.Add(Child("library", size, grad, c));
                    bareRuns.Add(Child("torchsharp", size, grad, c));
                }

                var p = Summary.Of(peerRuns.Select(x => x.StepsPerSecond));
                var l = Summary.Of(libraryRuns.Select(x => x.StepsPerSecond));
                var b = Summary.Of(bareRuns.Select(x => x.StepsPerSecond));
                var accuracy = string.Create(CultureInfo.InvariantCulture, $"{Summary.Of(libraryRuns.Select(x => x.DigitAccuracy)).Median:F4}/{Summary.Of(libraryRuns.Select(x => x.ParityAccuracy)).Median:F4}; ")
                    + (peerRuns.Count == 0 ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{Summary.Of(peerRuns.Select(x => x.DigitAccuracy)).Median:F4}/{Summary.Of(peerRuns.Select(x => x.ParityAccuracy)).Median:F4}"));
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {size} {grad} | {c} | {p.Format("F0")} | {l.Format("F0")} | {Ratio(l, p)} | {b.Format("F0")} | {Ratio(l, b)} | {accuracy} |"));
                output.Flush();
            }
        }

        if (peer is not null)
        {
            Accuracies(peer, output);
        }

        return 0;
    }

    /// <summary>Final accuracies over seeds 0–4 (data order and initial weights), the noise to compare them within.</summary>
    private static void Accuracies(PeerRunner peer, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine("Final accuracy over seeds 0–4 (the seed sets the data order and the initial weights in both), 1 core, median (min–max):");
        output.WriteLine();
        output.WriteLine("| variant | PyTorch digit | library digit | PyTorch parity | library parity |");
        output.WriteLine("|---|---|---|---|---|");
        foreach (var (size, grad) in Variants)
        {
            var peerRuns = Enumerable.Range(0, 5).Select(seed => peer.Train(WorkloadSize.Parse(size), grad, 1, seed)).ToArray();
            var libraryRuns = Enumerable.Range(0, 5).Select(seed => Child("library", size, grad, 1, seed)).ToArray();
            output.WriteLine(
                $"| {size} {grad} | {Summary.Of(peerRuns.Select(x => x.DigitAccuracy)).Format("F4")} | {Summary.Of(libraryRuns.Select(x => x.DigitAccuracy)).Format("F4")} | " +
                $"{Summary.Of(peerRuns.Select(x => x.ParityAccuracy)).Format("F4")} | {Summary.Of(libraryRuns.Select(x => x.ParityAccuracy)).Format("F4")} |");
            output.Flush();
        }
    }

    private static string Ratio(Summary a, Summary b) => a.Count == 0 || b.Count == 0 ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{a.Median / b.Median:F2}×");

    private static RunResult Child(string implementation, string size, string grad, int threads, int seed = 0)
    {
        var json = ChildProcess.RunSelf(["train-once", "--implementation", implementation, "--size", size, "--grad", grad, "--threads", threads.ToString(CultureInfo.InvariantCulture), "--seed", seed.ToString(CultureInfo.InvariantCulture), "--json"]);
        return JsonSerializer.Deserialize<RunResult>(json.Trim().Split('\n')[^1], ResultJson.Options) ?? throw new InvalidDataException($"No result from the {implementation} run: {json}");
    }
}
