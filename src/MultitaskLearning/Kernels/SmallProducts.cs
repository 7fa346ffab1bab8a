using System.Numerics;
using System.Runtime.CompilerServices;

namespace MultitaskLearning.Kernels;

/// <summary>
/// The three products of many small dense layers side by side (the tasks' heads or deeper tower layers, each with
/// fewer outputs than a vector holds), computed directly, without the packing a general product needs. With thousands
/// of tasks a step has thousands of such layers, each a few thousand multiply-adds, and a general product per layer
/// costs more in packing and set-up than in arithmetic. The layers read consecutive column ranges of one input matrix
/// and write consecutive ranges of one output matrix, so the kernels go row by row and, within a row, layer by layer:
/// memory is read in order however wide the rows are. Weights are [in, out] row-major in one parameter buffer;
/// <c>scratch</c> holds Σ in · out values (<see cref="ScratchLength"/>).
/// </summary>
internal static unsafe class SmallProducts
{
    /// <summary>Whether a layer of this shape is small enough for these kernels: fewer outputs than a vector holds,
    /// and at most 4,096 weights.</summary>
    public static bool Fits(int inWidth, int outWidth) => outWidth < Vector<float>.Count && (long)inWidth * outWidth <= 4096;

    /// <summary>The scratch values the kernels need for <paramref name="layers"/>.</summary>
    public static long ScratchLength(ReadOnlySpan<SmallLayer> layers)
    {
        long length = 0;
        foreach (var layer in layers)
        {
            length += (long)layer.InWidth * layer.OutWidth;
        }

        return length;
    }

    /// <summary>y[b, o] = bias[o] + Σ_i x[b, i] · w[i, o] for every layer and b &lt; batch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(ReadOnlySpan<SmallLayer> layers, int batch, float* x, int xStride, float* parameters, float* y, int yStride, float* scratch)
    {
        TransposeWeights(layers, parameters, scratch); // wᵀ: each output's weights contiguous
        for (var b = 0; b < batch; b++)
        {
            var row = x + ((long)b * xStride);
            var output = y + ((long)b * yStride);
            var weights = scratch;
            foreach (var layer in layers)
            {
                var bias = parameters + layer.BiasOffset;
                for (var o = 0; o < layer.OutWidth; o++)
                {
                    output[layer.OutputOffset + o] = bias[o] + Dot(row + layer.InputOffset, weights + ((long)o * layer.InWidth), layer.InWidth);
                }

                weights += (long)layer.InWidth * layer.OutWidth;
            }
        }
    }

    /// <summary>dw[i, o] = Σ_b x[b, i] · dy[b, o] and dbias[o] = Σ_b dy[b, o] for every layer, overwritten in
    /// <paramref name="gradients"/> (laid out as the parameters).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WeightGradient(ReadOnlySpan<SmallLayer> layers, int batch, float* x, int xStride, float* dy, int dyStride, float* gradients, float* scratch)
    {
        new Span<float>(scratch, checked((int)ScratchLength(layers))).Clear(); // dwᵀ, accumulated row by row
        foreach (var layer in layers)
        {
            new Span<float>(gradients + layer.BiasOffset, layer.OutWidth).Clear();
        }

        for (var b = 0; b < batch; b++)
        {
            var row = x + ((long)b * xStride);
            var gradient = dy + ((long)b * dyStride);
            var transposed = scratch;
            foreach (var layer in layers)
            {
                var bias = gradients + layer.BiasOffset;
                for (var o = 0; o < layer.OutWidth; o++)
                {
                    var g = gradient[layer.OutputOffset + o];
                    VectorMath.MultiplyAdd(g, row + layer.InputOffset, transposed + ((long)o * layer.InWidth), layer.InWidth);
                    bias[o] += g;
                }

                transposed += (long)layer.InWidth * layer.OutWidth;
            }
        }

        var source = scratch;
        foreach (var layer in layers)
        {
            Transpose(source, layer.OutWidth, layer.InWidth, gradients + layer.WeightOffset);
            source += (long)layer.InWidth * layer.OutWidth;
        }
    }

    /// <summary>dx[b, i] = Σ_o dy[b, o] · w[i, o] for every layer, overwritten.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void InputGradient(ReadOnlySpan<SmallLayer> layers, int batch, float* dy, int dyStride, float* parameters, float* dx, int dxStride, float* scratch)
    {
        TransposeWeights(layers, parameters, scratch);
        for (var b = 0; b < batch; b++)
        {
            var gradient = dy + ((long)b * dyStride);
            var target = dx + ((long)b * dxStride);
            var weights = scratch;
            foreach (var layer in layers)
            {
                new Span<float>(target + layer.InputOffset, layer.InWidth).Clear();
                for (var o = 0; o < layer.OutWidth; o++)
                {
                    VectorMath.MultiplyAdd(gradient[layer.OutputOffset + o], weights + ((long)o * layer.InWidth), target + layer.InputOffset, layer.InWidth);
                }

                weights += (long)layer.InWidth * layer.OutWidth;
            }
        }
    }

    private static void TransposeWeights(ReadOnlySpan<SmallLayer> layers, float* parameters, float* scratch)
    {
        foreach (var layer in layers)
        {
            Transpose(parameters + layer.WeightOffset, layer.InWidth, layer.OutWidth, scratch);
            scratch += (long)layer.InWidth * layer.OutWidth;
        }
    }

    /// <summary>target[c, r] = source[r, c] for a [rows, columns] row-major source.</summary>
    private static void Transpose(float* source, int rows, int columns, float* target)
    {
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                target[((long)c * rows) + r] = source[((long)r * columns) + c];
            }
        }
    }

    private static float Dot(float* x, float* y, int length)
    {
        var i = 0;
        var width = Vector<float>.Count;
        var sum = Vector<float>.Zero;
        for (; i + width <= length; i += width)
        {
            sum += Vector.Load(x + i) * Vector.Load(y + i);
        }

        var total = Vector.Sum(sum);
        for (; i < length; i++)
        {
            total += x[i] * y[i];
        }

        return total;
    }
}
