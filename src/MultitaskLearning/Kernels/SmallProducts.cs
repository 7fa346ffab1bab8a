using System.Numerics;
using System.Runtime.CompilerServices;

namespace MultitaskLearning.Kernels;

/// <summary>
/// The three products of one small dense layer (a task's head or deeper tower layer, fewer than a vector of outputs)
/// computed directly, without the packing a general product needs. With thousands of tasks a step has thousands of
/// such layers, each a few thousand multiply-adds, and a general product per layer costs more in packing and set-up
/// than in arithmetic. Each kernel works on its own layer and writes only its own outputs, so the engine runs many
/// layers side by side. The weights are [in, out] row-major; each kernel's <c>scratch</c> holds in · out values.
/// </summary>
internal static unsafe class SmallProducts
{
    /// <summary>Whether a layer of this shape is small enough for these kernels: fewer outputs than a vector holds,
    /// and at most 4,096 weights.</summary>
    public static bool Fits(int inWidth, int outWidth) => outWidth < Vector<float>.Count && (long)inWidth * outWidth <= 4096;

    /// <summary>y[b, o] = bias[o] + Σ_i x[b, i] · w[i, o] for b &lt; batch (rows of x and y at the given strides).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(int batch, int inWidth, int outWidth, float* x, int xStride, float* w, float* bias, float* y, int yStride, float* scratch)
    {
        Transpose(w, inWidth, outWidth, scratch); // wᵀ: each output's weights contiguous
        for (var b = 0; b < batch; b++)
        {
            var row = x + ((long)b * xStride);
            var output = y + ((long)b * yStride);
            for (var o = 0; o < outWidth; o++)
            {
                output[o] = bias[o] + Dot(row, scratch + ((long)o * inWidth), inWidth);
            }
        }
    }

    /// <summary>dw[i, o] = Σ_b x[b, i] · dy[b, o] and dbias[o] = Σ_b dy[b, o] (both overwritten).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WeightGradient(int batch, int inWidth, int outWidth, float* x, int xStride, float* dy, int dyStride, float* dw, float* dbias, float* scratch)
    {
        var count = inWidth * outWidth;
        new Span<float>(scratch, count).Clear(); // dwᵀ, accumulated row by row
        new Span<float>(dbias, outWidth).Clear();
        for (var b = 0; b < batch; b++)
        {
            var row = x + ((long)b * xStride);
            var gradient = dy + ((long)b * dyStride);
            for (var o = 0; o < outWidth; o++)
            {
                MultiplyAdd(gradient[o], row, scratch + ((long)o * inWidth), inWidth);
                dbias[o] += gradient[o];
            }
        }

        Transpose(scratch, outWidth, inWidth, dw);
    }

    /// <summary>dx[b, i] = Σ_o dy[b, o] · w[i, o] (overwritten).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void InputGradient(int batch, int inWidth, int outWidth, float* dy, int dyStride, float* w, float* dx, int dxStride, float* scratch)
    {
        Transpose(w, inWidth, outWidth, scratch);
        for (var b = 0; b < batch; b++)
        {
            var gradient = dy + ((long)b * dyStride);
            var target = dx + ((long)b * dxStride);
            new Span<float>(target, inWidth).Clear();
            for (var o = 0; o < outWidth; o++)
            {
                MultiplyAdd(gradient[o], scratch + ((long)o * inWidth), target, inWidth);
            }
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

    private static void MultiplyAdd(float alpha, float* source, float* target, int length)
    {
        var i = 0;
        var width = Vector<float>.Count;
        var a = new Vector<float>(alpha);
        for (; i + width <= length; i += width)
        {
            (Vector.Load(target + i) + (a * Vector.Load(source + i))).Store(target + i);
        }

        for (; i < length; i++)
        {
            target[i] += alpha * source[i];
        }
    }
}
