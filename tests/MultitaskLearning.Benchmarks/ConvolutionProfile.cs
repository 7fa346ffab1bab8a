using System.Diagnostics;
using System.Globalization;
using MultitaskLearning.Kernels;
using static TorchSharp.torch;

namespace MultitaskLearning.Benchmarks;

/// <summary>
/// The pieces of one fused training step of the <c>cnn</c> workload (batch 64 of 28 × 28 images, conv 3 × 3 1→16,
/// pool, conv 3 × 3 16→32, pool, dense 1568→128), each timed on its own at its real shapes, one thread: the library's
/// products (GFLOP/s against the measured FMA peak and against libtorch's matmul at the same shapes), its data
/// movement (unfold, fold, pooling), and libtorch's own convolution forward and backward for comparison.
/// </summary>
internal static unsafe class ConvolutionProfile
{
    private const int Batch = 64;

    public static void Run(TextWriter output, double peakGflops)
    {
        set_num_threads(1);
        output.WriteLine($"Pieces of one fused `cnn` step (batch {Batch}), 1 thread, each timed alone (median µs of 200; FMA peak {peakGflops:F0} GFLOP/s).");
        output.WriteLine();
        output.WriteLine("| piece | shape (m × n × k) | library µs | GFLOP/s (% of peak) | libtorch µs | libtorch GFLOP/s |");
        output.WriteLine("|---|---|---|---|---|---|");
        var first = new ConvolutionGeometry(1, 16, 28, 28, TwoDimensional: true);
        var second = new ConvolutionGeometry(16, 32, 14, 14, TwoDimensional: true);
        double total = 0, torchTotal = 0;
        void Product(string name, bool transA, bool transB, int m, int n, int k)
        {
            var (library, packing, torch) = TimeProduct(transA, transB, m, n, k);
            total += library;
            torchTotal += torch;
            var gflop = 2.0 * m * n * k / 1e9;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {(transA ? "ᵀ" : "")}{m} × {n}{(transB ? "ᵀ" : "")} × {k} | {library * 1e6:F0} ({packing * 1e6:F0} packing) | {gflop / library:F0} ({gflop / library / peakGflops:P0}) | {torch * 1e6:F0} | {gflop / torch:F0} |"));
        }

        void Movement(string name, double seconds)
        {
            total += seconds;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | | {seconds * 1e6:F0} | | | |"));
        }

        foreach (var layer in new[] { first, second })
        {
            var positions = Batch * layer.Height * layer.Width;
            var label = $"conv {layer.InChannels}→{layer.OutChannels}";
            if (DirectConvolution.Handles(layer))
            {
                var padded = new float[Batch * DirectConvolution.PaddedSampleLength(layer)];
                var weights = new float[layer.UnfoldedWidth * layer.OutChannels];
                var bias = new float[layer.OutChannels];
                fixed (float* pp = padded, pw = weights, pb = bias)
                {
                    var (pp2, pw2, pb2) = ((IntPtr)pp, (IntPtr)pw, (IntPtr)pb);
                    Movement($"{label} pad", TimeMovement(layer, (input, columns, outputs, pooled) => DirectConvolution.PadChannelsLast(input, Batch, layer, (float*)pp2)));
                    Movement($"{label} direct forward", TimeMovement(layer, (input, columns, outputs, pooled) => DirectConvolution.Forward((float*)pp2, Batch, layer, (float*)pw2, (float*)pb2, outputs)));
                    Movement($"{label} direct weight gradient", TimeMovement(layer, (input, columns, outputs, pooled) => DirectConvolution.WeightGradient((float*)pp2, outputs, Batch, layer, (float*)pw2)));
                }
            }
            else
            {
            Product($"{label} forward", false, false, positions, layer.OutChannels, layer.UnfoldedWidth);
            Product($"{label} weight gradient", true, false, layer.UnfoldedWidth, layer.OutChannels, positions);
            Product($"{label} input gradient", false, true, positions, layer.UnfoldedWidth, layer.OutChannels);

            Movement($"{label} unfold", TimeMovement(layer, (input, columns, outputs, pooled) => ConvolutionKernels.Unfold(input, Batch, layer, columns)));
            Movement($"{label} fold", TimeMovement(layer, (input, columns, outputs, pooled) => ConvolutionKernels.Fold(columns, Batch, layer, input)));
            }

            Movement($"{label} max-pool + ReLU", TimeMovement(layer, (input, columns, outputs, pooled) => ConvolutionKernels.MaxPoolRelu(outputs, Batch, layer, pooled)));
            Movement($"{label} its gradient", TimeMovement(layer, (input, columns, outputs, pooled) => ConvolutionKernels.MaxPoolReluBackward(outputs, pooled, pooled, Batch, layer, outputs)));
        }

        Product("dense forward", false, false, Batch, 128, 1568);
        Product("dense weight gradient", true, false, 1568, 128, Batch);
        Product("dense input gradient", false, true, Batch, 1568, 128);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| **sum** | | {total * 1e6:F0} | | {torchTotal * 1e6:F0} (products only) | |"));
        var (torchForward, torchBackward) = TimeTorchConvolutions();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| libtorch conv2d + max-pool + ReLU, both blocks | | | | forward {torchForward * 1e6:F0}, backward {torchBackward * 1e6:F0} | |"));
        output.WriteLine();
    }

    private static (double Library, double Packing, double Torch) TimeProduct(bool transA, bool transB, int m, int n, int k)
    {
        var random = new Random(0);
        float[] Fill(long count) => Enumerable.Range(0, checked((int)count)).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var a = Fill((long)m * k);
        var b = Fill((long)k * n);
        var c = new float[(long)m * n];
        double library, packing;
        fixed (float* pa = a, pb = b, pc = c)
        {
            var (pa2, pb2, pc2) = ((IntPtr)pa, (IntPtr)pb, (IntPtr)pc);
            void Run() => Sgemm.Multiply(transA, transB, m, n, k, 1, (float*)pa2, transA ? m : k, (float*)pb2, transB ? k : n, 0, (float*)pc2, n);
            library = Median(Run);
            Sgemm.ResetProfile();
            Sgemm.Profiling = true;
            Run();
            Sgemm.Profiling = false;
            packing = Sgemm.Profile.PackTicks / (double)Stopwatch.Frequency;
        }

        using var scope = NewDisposeScope();
        var ta = transA ? tensor(a, [k, m]).t() : tensor(a, [m, k]);
        var tb = transB ? tensor(b, [n, k]).t() : tensor(b, [k, n]);
        var torch = Median(() =>
        {
            using var product = ta.matmul(tb);
        });
        return (library, packing, torch);
    }

    private delegate void MovementAction(float* input, float* columns, float* outputs, float* pooled);

    private static double TimeMovement(ConvolutionGeometry layer, MovementAction action)
    {
        var positions = (long)Batch * layer.Height * layer.Width;
        var input = new float[positions * layer.InChannels];
        var columns = new float[positions * layer.UnfoldedWidth];
        var outputs = new float[positions * layer.OutChannels];
        var pooled = new float[(long)Batch * layer.PooledHeight * layer.PooledWidth * layer.OutChannels];
        var random = new Random(0);
        for (var i = 0; i < outputs.Length; i++)
        {
            outputs[i] = (float)random.NextDouble() - 0.5f;
        }

        fixed (float* pi = input, pc = columns, po = outputs, pp = pooled)
        {
            var (i2, c2, o2, p2) = ((IntPtr)pi, (IntPtr)pc, (IntPtr)po, (IntPtr)pp);
            return Median(() => action((float*)i2, (float*)c2, (float*)o2, (float*)p2));
        }
    }

    /// <summary>libtorch's forward and backward of both convolution blocks (conv2d, ReLU, max-pool 2) on the same batch.</summary>
    private static (double Forward, double Backward) TimeTorchConvolutions()
    {
        using var scope = NewDisposeScope();
        var x = randn(Batch, 1, 28, 28);
        var w1 = randn(16, 1, 3, 3).requires_grad_();
        var b1 = randn(16).requires_grad_();
        var w2 = randn(32, 16, 3, 3).requires_grad_();
        var b2 = randn(32).requires_grad_();
        Tensor Forward()
        {
            var h = nn.functional.max_pool2d(nn.functional.relu(nn.functional.conv2d(x, w1, b1, padding: [1, 1])), 2);
            return nn.functional.max_pool2d(nn.functional.relu(nn.functional.conv2d(h, w2, b2, padding: [1, 1])), 2);
        }

        var forward = Median(() =>
        {
            using var inner = NewDisposeScope();
            using var noGrad = no_grad();
            Forward();
        });
        var both = Median(() =>
        {
            using var inner = NewDisposeScope();
            Forward().sum().backward();
            foreach (var p in new[] { w1, b1, w2, b2 })
            {
                p.grad?.zero_();
            }
        });
        return (forward, both - forward);
    }

    private static double Median(Action action)
    {
        for (var i = 0; i < 20; i++)
        {
            action();
        }

        var times = new List<double>();
        for (var r = 0; r < 200; r++)
        {
            var clock = Stopwatch.StartNew();
            action();
            times.Add(clock.Elapsed.TotalSeconds);
        }

        return Summary.Of(times).Median;
    }
}
