using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace MultitaskLearning.Benchmarks;

/// <summary>
/// Training on a contended machine: the <c>big</c> workload (three epochs) with 1 and 2 threads, idle and while another
/// process spins on one core, for the fused engine (the library's own thread pool) and the autograd engine (libtorch's
/// OpenMP threads: 1, 2, 2 with <c>OMP_WAIT_POLICY=PASSIVE</c>, and the default of TrainerOptions.Threads = null, which
/// uses libtorch's count under the trainer's contention guard).
/// </summary>
internal static class BusyMachineBenchmark
{
    public static int Run(int repeats, TextWriter output)
    {
        // Threads 0 = TrainerOptions.Threads left null: 2 threads here (the cores, up to 4, for the fused engine; libtorch's
        // count for autograd) under the trainer's contention guard.
        (string Engine, int Threads, string? WaitPolicy)[] configurations =
        [
            ("fused", 1, null), ("fused", 2, null), ("fused", 0, null), ("autograd", 1, null), ("autograd", 2, null), ("autograd", 2, "PASSIVE"), ("autograd", 0, null),
        ];
        output.WriteLine($"Busy machine: big workload, 3 epochs (117 steps), steps/s median (min–max) of {repeats} runs, idle and with one core taken by a spinning process ({Environment.ProcessorCount} cores).");
        output.WriteLine();
        output.WriteLine("| engine | threads | OMP_WAIT_POLICY | idle | one core busy | slowdown |");
        output.WriteLine("|---|---|---|---|---|---|");
        foreach (var (engine, threads, policy) in configurations)
        {
            var environment = new Dictionary<string, string>();
            if (policy is not null)
            {
                environment["OMP_WAIT_POLICY"] = policy;
            }

            var idle = new List<double>();
            var busy = new List<double>();
            for (var r = 0; r < repeats; r++)
            {
                idle.Add(Once(engine, threads, environment));
                using var spinner = Spinner.Start();
                busy.Add(Once(engine, threads, environment));
            }

            var i = Summary.Of(idle);
            var b = Summary.Of(busy);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {engine} | {(threads == 0 ? "default (2, guarded)" : threads.ToString(CultureInfo.InvariantCulture))} | {policy ?? "(unset)"} | {i.Format("F0")} | {b.Format("F1")} | {i.Median / b.Median:F1}× |"));
            output.Flush();
        }

        return 0;
    }

    private static double Once(string engine, int threads, IReadOnlyDictionary<string, string> environment)
    {
        var json = ChildProcess.RunSelf(["train-once", "--size", "big", "--epochs", "3", "--threads", threads.ToString(CultureInfo.InvariantCulture), "--engine", engine, "--json"], environment);
        return JsonSerializer.Deserialize<RunResult>(json.Trim().Split('\n')[^1], ResultJson.Options)!.StepsPerSecond;
    }

    /// <summary>A child process that spins on one core until disposed.</summary>
    private sealed class Spinner : IDisposable
    {
        private readonly Process process;

        private Spinner(Process process) => this.process = process;

        public static Spinner Start()
        {
            var info = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false, RedirectStandardOutput = true };
            info.ArgumentList.Add("spin");
            var process = Process.Start(info)!;
            process.StandardOutput.ReadLine(); // "spinning": the competitor is running before the timed run starts
            return new Spinner(process);
        }

        public void Dispose()
        {
            process.Kill();
            process.WaitForExit();
            process.Dispose();
        }
    }

    /// <summary>The competitor: one thread in a busy loop for at most ten minutes.</summary>
    public static int Spin()
    {
        Console.WriteLine("spinning");
        var clock = Stopwatch.StartNew();
        double x = 0;
        while (clock.Elapsed < TimeSpan.FromMinutes(10))
        {
            for (var i = 0; i < 1_000_000; i++)
            {
                x += Math.Sqrt(i);
            }
        }

        return x > 0 ? 0 : 1;
    }
}
