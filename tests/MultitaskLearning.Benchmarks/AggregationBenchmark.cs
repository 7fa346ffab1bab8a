using System.Globalization;
using System.Text.Json;

namespace MultitaskLearning.Benchmarks;

/// <summary>
/// The cost of per-task gradients on the <c>big</c> workload: plain training against PCGrad (shared-parameter
/// gradients) and MGDA with shared-parameter and shared-representation gradients, in both training engines.
/// </summary>
internal static class AggregationBenchmark
{
    public static int Run(int repeats, TextWriter output)
    {
        string[] grads = ["plain", "pcgrad", "mgda", "mgda-rep"];
        string[] engines = ["fused", "autograd"];
        output.WriteLine($"Per-task gradient cost, big workload, 1 thread, steps/s median (min–max) of {repeats} runs; time per step relative to plain training in the same engine.");
        output.WriteLine();
        output.WriteLine("| engine | gradients | steps/s | step time / plain | accuracy digit/parity |");
        output.WriteLine("|---|---|---|---|---|");
        foreach (var engine in engines)
        {
            var results = grads.ToDictionary(g => g, _ => new List<RunResult>());
            for (var r = 0; r < repeats; r++)
            {
                foreach (var grad in grads)
                {
                    var json = ChildProcess.RunSelf(["train-once", "--size", "big", "--grad", grad, "--threads", "1", "--engine", engine, "--json"]);
                    results[grad].Add(JsonSerializer.Deserialize<RunResult>(json.Trim().Split('\n')[^1], ResultJson.Options)!);
                }
            }

            var plain = Summary.Of(results["plain"].Select(x => x.StepsPerSecond)).Median;
            foreach (var grad in grads)
            {
                var s = Summary.Of(results[grad].Select(x => x.StepsPerSecond));
                var label = grad switch
                {
                    "plain" => "none (Σ α_t L_t)",
                    "pcgrad" => "PCGrad, parameter gradients",
                    "mgda" => "MGDA, parameter gradients",
                    _ => "MGDA-UB, representation gradients",
                };
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {engine} | {label} | {s.Format("F0")} | {plain / s.Median:F2}× | {Summary.Of(results[grad].Select(x => x.DigitAccuracy)).Median:F4}/{Summary.Of(results[grad].Select(x => x.ParityAccuracy)).Median:F4} |"));
                output.Flush();
            }
        }

        return 0;
    }
}
