using System.Diagnostics;
using System.Globalization;
using MultitaskLearning.Kernels;
using MultitaskLearning.Training;
using static TorchSharp.torch;

namespace MultitaskLearning.Benchmarks;

/// <summary>
/// Where a step's time goes, 1 thread: the library's step split into matrix products (micro-kernel and packing) and
/// the rest (losses, ReLU, bias, SGD update, trainer), against libtorch's time for the same products (the GEMM floor of
/// the bare TorchSharp loop) and the bare loop's step time.
/// </summary>
internal static class ProfileBenchmark
{
    public static int Run(TextWriter output)
    {
        output.WriteLine("Where a training step goes, 1 thread, epochs 2–3 of the workload (µs per step).");
        output.WriteLine();
        output.WriteLine("| variant | library step | its products (share; GFLOP/s) | of which packing | rest of the step | libtorch, same products | bare TorchSharp step |");
        output.WriteLine("|---|---|---|---|---|---|---|");
        var data = MnistWorkload.Load();
        var dataset = LibraryRun.Dataset(data);
        foreach (var size in new[] { WorkloadSize.Big, WorkloadSize.Small })
        {
            var steps = dataset.Count / size.BatchSize;
            var options = LibraryRun.Options(size, threads: 1, epochs: 3);
            var marks = new List<(double Seconds, (long Ticks, long PackTicks, long Flops) Profile)>();
            Sgemm.ResetProfile();
            Sgemm.Profiling = true;
            try
            {
                using var model = new MultitaskTrainer(options).Fit(LibraryRun.Definition(dataset, size), dataset, progress: new SynchronousProgress<TrainingProgress>(p => marks.Add((p.Elapsed.TotalSeconds, Sgemm.Profile))));
            }
            finally
            {
                Sgemm.Profiling = false;
            }

            var perStep = 1e6 / (2.0 * steps);
            var step = (marks[2].Seconds - marks[0].Seconds) * perStep;
            var gemm = (marks[2].Profile.Ticks - marks[0].Profile.Ticks) / (double)Stopwatch.Frequency * perStep;
            var pack = (marks[2].Profile.PackTicks - marks[0].Profile.PackTicks) / (double)Stopwatch.Frequency * perStep;
            var flops = (marks[2].Profile.Flops - marks[0].Profile.Flops) / (2.0 * steps);
            var torchGemm = LibtorchProducts(size) * 1e6;
            var bare = 1e6 / BareTorchSharpLoop.Train(data, size, "plain", 1).SteadyStepsPerSecond;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {size.Name} plain | {step:F0} | {gemm:F0} ({gemm / step:P0}; {flops / gemm / 1e3:F0}) | {pack:F0} | {step - gemm:F0} | {torchGemm:F0} ({flops / torchGemm / 1e3:F0} GFLOP/s) | {bare:F0} |"));
            output.Flush();
        }

        return 0;
    }

    /// <summary>Median seconds of libtorch's products of one step at the workload's shapes (forward, weight gradients,
    /// input gradients except for layer 1), as the peer's <c>--mode gemmchain</c>.</summary>
    private static double LibtorchProducts(WorkloadSize size)
    {
        set_num_threads(1);
        (int In, int Out)[] layers = [(784, size.Hidden1), (size.Hidden1, size.Hidden2), (size.Hidden2, 12)];
        using var scope = NewDisposeScope();
        var inputs = layers.Select(l => rand(size.BatchSize, l.In)).ToArray();
        var weights = layers.Select(l => randn(l.Out, l.In)).ToArray();
        var gradients = layers.Select(l => randn(size.BatchSize, l.Out)).ToArray();
        void Chain()
        {
            using var inner = NewDisposeScope();
            for (var k = 0; k < layers.Length; k++)
            {
                inputs[k].matmul(weights[k].t());
                if (k > 0)
                {
                    gradients[k].matmul(weights[k]);
                }

                gradients[k].t().matmul(inputs[k]);
            }
        }

        return Summary.MedianSeconds(Chain);
    }
}
