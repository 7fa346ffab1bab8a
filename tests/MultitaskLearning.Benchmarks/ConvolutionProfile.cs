using System.Globalization;
using MultitaskLearning.Kernels;
using static TorchSharp.torch;

namespace MultitaskLearning.Benchmarks;

/// <summary>
/// The pieces of one fused training step of the <c>cnn</c> workload (batch 64 of 28 × 28 images, conv 3 × 3 1→16,
/// pool, conv 3 × 3 16→32, pool, dense 1568→128), each timed on its own as the fused engine runs it, one thread:
/// the first convolution computed directly, the second unfolded a few samples at a time and multiplied, the dense
/// layer's products; GFLOP/s against the measured FMA peak, and libtorch at the same shapes (its matmul for each
/// product over the whole batch, its conv2d + ReLU + max-pool forward and backward for both blocks).
/// </summary>
internal static unsafe class ConvolutionProfile
{
    private const int Batch = 64;

    public static void Run(TextWriter output, double peakGflops)
    {
        set_num_threads(1);
        output.WriteLine($"Pieces of one fused `cnn` step (batch {Batch}), 1 thread, each timed alone: median µs of 200, GFLOP/s (% of the FMA peak, {peakGflops:F0} GFLOP/s).");
        output.WriteLine();
        output.WriteLine("| piece | products (m × n × k) | library µs | library GFLOP/s | libtorch matmul µs | libtorch GFLOP/s |");
        output.WriteLine("|---|---|---|---|---|---|");
        var first = new ConvolutionGeometry(1, 16, 28, 28, TwoDimensional: true);
        var second = new ConvolutionGeometry(16, 32, 14, 14, TwoDimensional: true);
        double total = 0;
        void Row(string name, string shape, double seconds, double flops, double? torch)
        {
            total += seconds;
            var rate = flops > 0 ? string.Create(CultureInfo.InvariantCulture, $"{flops / seconds / 1e9:F0} ({flops / seconds / 1e9 / peakGflops:P0})") : "";
            var torchText = torch is { } t ? string.Create(CultureInfo.InvariantCulture, $"{t * 1e6:F0} | {flops / t / 1e9:F0}") : " | ";
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {shape} | {seconds * 1e6:F0} | {rate} | {torchText} |"));
        }

        using (var buffers = new Buffers(first))
        {
            var input = (float*)buffers.Input;
            var padded = (float*)buffers.Padded;
            var weights = (float*)buffers.Weights;
            var bias = (float*)buffers.Bias;
            var outputs = (float*)buffers.Outputs;
            var pooled = (float*)buffers.Pooled;
            var flops = 2.0 * Batch * first.Height * first.Width * first.UnfoldedWidth * first.OutChannels;
            var shape = $"{Batch * first.Height * first.Width} × {first.OutChannels} × {first.UnfoldedWidth}";
            Row("conv 1→16: pad", "", Summary.MedianSeconds(() => DirectConvolution.PadChannelsLast(input, Batch, first, padded)), 0, null);
            Row("conv 1→16: direct forward", shape, Summary.MedianSeconds(() => DirectConvolution.Forward(padded, Batch, first, weights, bias, outputs)), flops, TorchProduct(Batch * first.Height * first.Width, first.OutChannels, first.UnfoldedWidth));
            Row("conv 1→16: direct weight gradient", shape, Summary.MedianSeconds(() => DirectConvolution.WeightGradient(padded, outputs, Batch, first, weights)), flops, null);
            Row("conv 1→16: max-pool + ReLU", "", Summary.MedianSeconds(() => ConvolutionKernels.MaxPoolRelu(outputs, Batch, first, pooled)), 0, null);
            Row("conv 1→16: its gradient", "", Summary.MedianSeconds(() => ConvolutionKernels.MaxPoolReluBackward(outputs, pooled, pooled, Batch, first, outputs)), 0, null);
        }

        using (var buffers = new Buffers(second))
        {
            var input = (float*)buffers.Input;
            var weights = (float*)buffers.Weights;
            var outputs = (float*)buffers.Outputs;
            var pooled = (float*)buffers.Pooled;
            var columns = (float*)buffers.Columns;
            var gradient = (float*)buffers.Gradient;
            var positions = second.Height * second.Width;
            var perChunk = Math.Max(1, 98_304 / (positions * second.UnfoldedWidth)); // as the engine
            int m = Batch * positions, k = second.UnfoldedWidth, n = second.OutChannels;
            var flops = 2.0 * m * n * k;
            var inputSize = positions * second.InChannels;
            var outputSize = positions * second.OutChannels;
            void Chunks(Action<int, int> body)
            {
                for (var start = 0; start < Batch; start += perChunk)
                {
                    body(start, Math.Min(perChunk, Batch - start));
                }
            }

            var label = $"conv 16→32, {perChunk} samples at a time";
            Row($"{label}: unfold + product", $"{m} × {n} × {k}", Summary.MedianSeconds(() => Chunks((start, count) =>
            {
                ConvolutionKernels.Unfold(input + (start * inputSize), count, second, columns);
                Sgemm.Multiply(false, false, count * positions, n, k, 1, columns, k, weights, n, 1, outputs + (start * outputSize), n);
            })), flops, TorchProduct(m, n, k));
            Row($"{label}: unfold + weight-gradient product", $"ᵀ{k} × {n} × {m}", Summary.MedianSeconds(() => Chunks((start, count) =>
            {
                ConvolutionKernels.Unfold(input + (start * inputSize), count, second, columns);
                Sgemm.Multiply(true, false, k, n, count * positions, 1, columns, k, outputs + (start * outputSize), n, start == 0 ? 0 : 1, weights, n);
            })), flops, TorchProduct(k, n, m, transA: true));
            Row($"{label}: input-gradient product + fold", $"{m} × {k}ᵀ × {n}", Summary.MedianSeconds(() => Chunks((start, count) =>
            {
                Sgemm.Multiply(false, true, count * positions, k, n, 1, outputs + (start * outputSize), n, weights, n, 0, columns, k);
                ConvolutionKernels.Fold(columns, count, second, gradient + (start * inputSize));
            })), flops, TorchProduct(m, k, n, transB: true));
            Row("conv 16→32: max-pool + ReLU", "", Summary.MedianSeconds(() => ConvolutionKernels.MaxPoolRelu(outputs, Batch, second, pooled)), 0, null);
            Row("conv 16→32: its gradient", "", Summary.MedianSeconds(() => ConvolutionKernels.MaxPoolReluBackward(outputs, pooled, pooled, Batch, second, outputs)), 0, null);
        }

        DenseRow("dense forward", false, false, Batch, 128, 1568);
        DenseRow("dense weight gradient", true, false, 1568, 128, Batch);
        DenseRow("dense input gradient", false, true, Batch, 1568, 128);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| **sum of the pieces** | | {total * 1e6:F0} | | | |"));
        var (torchForward, torchBackward) = TimeTorchConvolutions();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| libtorch conv2d + ReLU + max-pool, both blocks | | | | forward {torchForward * 1e6:F0}, backward {torchBackward * 1e6:F0} | |"));
        output.WriteLine();

        void DenseRow(string name, bool transA, bool transB, int m, int n, int k)
        {
            var random = new Random(0);
            var a = Enumerable.Range(0, m * k).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
            var b = Enumerable.Range(0, k * n).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
            var c = new float[m * n];
            double seconds;
            fixed (float* pa = a, pb = b, pc = c)
            {
                var (pa2, pb2, pc2) = ((IntPtr)pa, (IntPtr)pb, (IntPtr)pc);
                seconds = Summary.MedianSeconds(() => Sgemm.Multiply(transA, transB, m, n, k, 1, (float*)pa2, transA ? m : k, (float*)pb2, transB ? k : n, 0, (float*)pc2, n));
            }

            Row(name, $"{(transA ? "ᵀ" : "")}{m} × {n}{(transB ? "ᵀ" : "")} × {k}", seconds, 2.0 * m * n * k, TorchProduct(m, n, k, transA, transB));
        }
    }

    /// <summary>Median seconds of libtorch's matmul of random operands of the given shape.</summary>
    private static double TorchProduct(int m, int n, int k, bool transA = false, bool transB = false)
    {
        using var scope = NewDisposeScope();
        var a = transA ? randn(k, m).t() : randn(m, k);
        var b = transB ? randn(n, k).t() : randn(k, n);
        return Summary.MedianSeconds(() =>
        {
            using var product = a.matmul(b);
        });
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

        var forward = Summary.MedianSeconds(() =>
        {
            using var inner = NewDisposeScope();
            using var noGrad = no_grad();
            Forward();
        });
        var both = Summary.MedianSeconds(() =>
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

    /// <summary>Random operands of one block, in native memory: input, padded input, weights, bias, outputs, pooled
    /// outputs, one chunk of unfolded rows and an input gradient.</summary>
    private sealed class Buffers : IDisposable
    {
        private readonly List<IntPtr> allocations = [];

        public Buffers(ConvolutionGeometry layer)
        {
            var positions = (long)Batch * layer.Height * layer.Width;
            Input = Allocate(positions * layer.InChannels);
            Padded = Allocate(Batch * DirectConvolution.PaddedSampleLength(layer));
            Weights = Allocate((long)layer.UnfoldedWidth * layer.OutChannels);
            Bias = Allocate(layer.OutChannels);
            Outputs = Allocate(positions * layer.OutChannels);
            Pooled = Allocate((long)Batch * layer.PooledHeight * layer.PooledWidth * layer.OutChannels);
            Columns = Allocate(98_304 + ((long)layer.Height * layer.Width * layer.UnfoldedWidth));
            Gradient = Allocate(positions * layer.InChannels);
        }

        public IntPtr Input { get; }

        public IntPtr Padded { get; }

        public IntPtr Weights { get; }

        public IntPtr Bias { get; }

        public IntPtr Outputs { get; }

        public IntPtr Pooled { get; }

        public IntPtr Columns { get; }

        public IntPtr Gradient { get; }

        public void Dispose()
        {
            foreach (var pointer in allocations)
            {
                System.Runtime.InteropServices.NativeMemory.AlignedFree((void*)pointer);
            }
        }

        private IntPtr Allocate(long count)
        {
            var pointer = (float*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc((nuint)(count * sizeof(float)), 64);
            var random = new Random(allocations.Count);
            for (long i = 0; i < count; i++)
            {
                pointer[i] = (float)random.NextDouble() - 0.5f;
            }

            allocations.Add((IntPtr)pointer);
            return (IntPtr)pointer;
        }
    }
}
