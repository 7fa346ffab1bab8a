using System.Numerics;
using System.Runtime.CompilerServices;

namespace MultitaskLearning.Kernels;

/// <summary>
/// The data movement around the fused engine's convolutions, which run as matrix products (<see cref="Sgemm"/>):
/// unfolding of channels-last ("NHWC") samples into one row per output position (im2col) and its adjoint (col2im),
/// the ReLU of the 2 (× 2) max-pool and its gradient, and the conversions between the channels-first layout of samples and
/// flattened features ("NCHW", PyTorch's) and the channels-last layout the products want. A row of the unfolded
/// matrix lists the kernel taps row by row, column by column, and the input channels within each tap.
/// </summary>
internal static unsafe class ConvolutionKernels
{
    /// <summary>columns[(b, y, x), (dy, dx, c)] = input[b, y + dy − pad, x + dx − 1, c], zero outside the sample.
    /// For each kernel row the three taps are adjacent in the input, so an inner position copies one run of 3·C values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Unfold(float* input, int batch, ConvolutionGeometry layer, float* columns)
    {
        int h = layer.Height, w = layer.Width, c = layer.InChannels, kh = layer.KernelHeight, pad = kh / 2;
        var row = columns;
        for (var b = 0; b < batch; b++)
        {
            var sample = input + ((long)b * h * w * c);
            for (var y = 0; y < h; y++)
            {
                for (var x = 0; x < w; x++)
                {
                    for (var dy = 0; dy < kh; dy++, row += 3 * c)
                    {
                        var yy = y + dy - pad;
                        if (yy < 0 || yy >= h)
                        {
                            Clear(row, 3 * c);
                            continue;
                        }

                        // Taps x − 1, x, x + 1 of input row yy; the ones outside the sample are zero.
                        var first = Math.Max(x - 1, 0);
                        var last = Math.Min(x + 1, w - 1);
                        var skipped = first - (x - 1);
                        Clear(row, skipped * c);
                        Copy(sample + ((((long)yy * w) + first) * c), row + (skipped * c), (last - first + 1) * c);
                        Clear(row + ((skipped + last - first + 1) * c), (3 - skipped - (last - first + 1)) * c);
                    }
                }
            }
        }
    }

    /// <summary>The adjoint of <see cref="Unfold"/>: input gradient[b, y', x', c] = Σ of the unfolded gradients that
    /// <see cref="Unfold"/> copied from there. <paramref name="inputGradient"/> is overwritten.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Fold(float* columnGradient, int batch, ConvolutionGeometry layer, float* inputGradient)
    {
        int h = layer.Height, w = layer.Width, c = layer.InChannels, kh = layer.KernelHeight, pad = kh / 2;
        new Span<float>(inputGradient, checked(batch * h * w * c)).Clear();
        var row = columnGradient;
        for (var b = 0; b < batch; b++)
        {
            var sample = inputGradient + ((long)b * h * w * c);
            for (var y = 0; y < h; y++)
            {
                for (var x = 0; x < w; x++)
                {
                    for (var dy = 0; dy < kh; dy++, row += 3 * c)
                    {
                        var yy = y + dy - pad;
                        if (yy < 0 || yy >= h)
                        {
                            continue;
                        }

                        var first = Math.Max(x - 1, 0);
                        var last = Math.Min(x + 1, w - 1);
                        var skipped = first - (x - 1);
                        VectorMath.Add(row + (skipped * c), sample + ((((long)yy * w) + first) * c), (last - first + 1) * c);
                    }
                }
            }
        }
    }

    /// <summary>ReLU of the max-pool of 2 (× 2), floor-sized, over channels-last [batch, H, W, C] into
    /// [batch, H/2, W/2, C] — the same as pooling the ReLU of the input, because ReLU is monotone.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MaxPoolRelu(float* input, int batch, ConvolutionGeometry layer, float* output)
    {
        int h = layer.Height, w = layer.Width, c = layer.OutChannels, ph = layer.PoolHeight;
        int oh = layer.PooledHeight, ow = layer.PooledWidth;
        var lanes = Vector<float>.Count;
        var o = output;
        for (var b = 0; b < batch; b++)
        {
            var sample = input + ((long)b * h * w * c);
            for (var y = 0; y < oh; y++)
            {
                for (var x = 0; x < ow; x++, o += c)
                {
                    var window = sample + ((((long)y * ph * w) + (x * 2)) * c);
                    var ch = 0;
                    for (; ch + lanes <= c; ch += lanes)
                    {
                        var max = Vector.Max(Vector.Load(window + ch), Vector.Load(window + c + ch));
                        if (ph == 2)
                        {
                            max = Vector.Max(max, Vector.Max(Vector.Load(window + (w * c) + ch), Vector.Load(window + (w * c) + c + ch)));
                        }

                        Vector.Max(max, Vector<float>.Zero).Store(o + ch);
                    }

                    for (; ch < c; ch++)
                    {
                        var max = MathF.Max(window[ch], window[c + ch]);
                        if (ph == 2)
                        {
                            max = MathF.Max(max, MathF.Max(window[(w * c) + ch], window[(w * c) + c + ch]));
                        }

                        o[ch] = MathF.Max(max, 0);
                    }
                }
            }
        }
    }

    /// <summary>The gradient of <see cref="MaxPoolRelu"/> with respect to its input (<paramref name="inputGradient"/>,
    /// [batch, H, W, C], overwritten): each pooled gradient whose output is positive goes to the first position of
    /// its window, in scan order, that holds the maximum (libtorch's choice); everything else is zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MaxPoolReluBackward(float* input, float* output, float* outputGradient, int batch, ConvolutionGeometry layer, float* inputGradient)
    {
        int h = layer.Height, w = layer.Width, c = layer.OutChannels, ph = layer.PoolHeight;
        int oh = layer.PooledHeight, ow = layer.PooledWidth;
        if (oh * ph != h || ow * 2 != w)
        {
            new Span<float>(inputGradient, checked(batch * h * w * c)).Clear(); // rows or columns the pool drops
        }

        var lanes = Vector<float>.Count;
        long o = 0;
        Span<long> offsets = stackalloc long[4];
        offsets[0] = 0;
        offsets[1] = c;
        offsets[2] = (long)w * c;
        offsets[3] = ((long)w * c) + c;
        var positions = ph * 2;
        for (var b = 0; b < batch; b++)
        {
            var sampleOffset = (long)b * h * w * c;
            for (var y = 0; y < oh; y++)
            {
                for (var x = 0; x < ow; x++, o += c)
                {
                    var windowOffset = sampleOffset + ((((long)y * ph * w) + (x * 2)) * c);
                    var window = input + windowOffset;
                    var gradientWindow = inputGradient + windowOffset;
                    var ch = 0;
                    for (; ch + lanes <= c; ch += lanes)
                    {
                        var max = Vector.Load(output + o + ch);
                        var gradient = Vector.Load(outputGradient + o + ch);
                        var taken = Vector.LessThanOrEqual(max, Vector<float>.Zero);
                        for (var p = 0; p < positions; p++)
                        {
                            var winner = Vector.AndNot(Vector.Equals(Vector.Load(window + offsets[p] + ch), max), taken);
                            Vector.ConditionalSelect(winner, gradient, Vector<float>.Zero).Store(gradientWindow + offsets[p] + ch);
                            taken |= winner;
                        }
                    }

                    for (; ch < c; ch++)
                    {
                        var max = output[o + ch];
                        var taken = max <= 0;
                        for (var p = 0; p < positions; p++)
                        {
                            var winner = !taken && window[offsets[p] + ch] == max;
                            gradientWindow[offsets[p] + ch] = winner ? outputGradient[o + ch] : 0;
                            taken |= winner;
                        }
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy(float* source, float* target, int count)
    {
        if (count >= 16)
        {
            Buffer.MemoryCopy(source, target, (long)count * sizeof(float), (long)count * sizeof(float));
            return;
        }

        for (var i = 0; i < count; i++)
        {
            target[i] = source[i];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Clear(float* target, int count)
    {
        for (var i = 0; i < count; i++)
        {
            target[i] = 0;
        }
    }

    /// <summary>[batch, channels, positions] → [batch, positions, channels] (channels-first to channels-last).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ToChannelsLast(float* source, int batch, int channels, int positions, float* target)
    {
        for (var b = 0; b < batch; b++)
        {
            var s = source + ((long)b * channels * positions);
            var t = target + ((long)b * channels * positions);
            for (var ch = 0; ch < channels; ch++)
            {
                for (var p = 0; p < positions; p++)
                {
                    t[((long)p * channels) + ch] = s[((long)ch * positions) + p];
                }
            }
        }
    }

    /// <summary>[batch, positions, channels] → [batch, channels, positions] (channels-last to channels-first).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ToChannelsFirst(float* source, int batch, int channels, int positions, float* target)
    {
        for (var b = 0; b < batch; b++)
        {
            var s = source + ((long)b * channels * positions);
            var t = target + ((long)b * channels * positions);
            for (var ch = 0; ch < channels; ch++)
            {
                for (var p = 0; p < positions; p++)
                {
                    t[((long)ch * positions) + p] = s[((long)p * channels) + ch];
                }
            }
        }
    }
}
