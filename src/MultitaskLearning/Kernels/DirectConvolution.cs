using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MultitaskLearning.Kernels;

/// <summary>
/// A convolution with few input channels computed directly from zero-padded channels-last samples, without unfolding:
/// its unfolded rows would be only <see cref="ConvolutionGeometry.UnfoldedWidth"/> ≤ <see cref="MaxUnfoldedWidth"/>
/// values long, too short for a packed matrix product to pay (a 28 × 28 grey image's first 3 × 3 convolution ran at
/// 9 GFLOP/s as unfold + product). Each output position's channels are a few vectors held in registers, one fused
/// multiply–add per kernel tap; the weight gradient accumulates one row of vectors per tap, four partial sums at a time.
/// </summary>
internal static unsafe class DirectConvolution
{
    /// <summary>The longest unfolded row computed directly (3 × 3 taps of 3 channels).</summary>
    public const int MaxUnfoldedWidth = 27;

    /// <summary>Whether the direct kernels handle this convolution.</summary>
    public static bool Handles(ConvolutionGeometry layer) => layer.UnfoldedWidth <= MaxUnfoldedWidth;

    /// <summary>Rows of zeros above and below each padded sample (1 for 3 × 3 kernels, 0 for one-dimensional ones).</summary>
    public static int PadRows(ConvolutionGeometry layer) => layer.KernelHeight / 2;

    /// <summary>Floats per padded sample: (H + 2·pad rows) × (W + 2) × C.</summary>
    public static long PaddedSampleLength(ConvolutionGeometry layer) =>
        (long)(layer.Height + (2 * PadRows(layer))) * (layer.Width + 2) * layer.InChannels;

    /// <summary>Writes channels-first samples [batch, C, H, W] into the interior of zero-padded channels-last samples
    /// [batch, H + 2·pad, W + 2, C]. The border is never written: <paramref name="padded"/> must start zeroed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PadChannelsLast(float* source, int batch, ConvolutionGeometry layer, float* padded)
    {
        int h = layer.Height, w = layer.Width, c = layer.InChannels, pad = PadRows(layer), pw = w + 2;
        var sampleLength = PaddedSampleLength(layer);
        for (var b = 0; b < batch; b++)
        {
            var s = source + ((long)b * c * h * w);
            var t = padded + (b * sampleLength);
            for (var ch = 0; ch < c; ch++)
            {
                for (var y = 0; y < h; y++)
                {
                    var sourceRow = s + ((((long)ch * h) + y) * w);
                    var targetRow = t + ((((long)(y + pad) * pw) + 1) * c) + ch;
                    for (var x = 0; x < w; x++)
                    {
                        targetRow[(long)x * c] = sourceRow[x];
                    }
                }
            }
        }
    }

    /// <summary>outputs[b, y, x, :] = bias + Σ over taps (dy, dx, c) of padded[b, y + dy, x + dx, c] · weights[(dy, dx, c), :]
    /// for <paramref name="count"/> samples; weights are [unfolded width, out channels], outputs channels-last. Four
    /// positions at a time, so that four independent sums share each load of the weights.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(float* padded, int count, ConvolutionGeometry layer, float* weights, float* bias, float* outputs)
    {
        int h = layer.Height, w = layer.Width, c = layer.InChannels, kh = layer.KernelHeight, cout = layer.OutChannels;
        var pw = w + 2;
        var taps = layer.UnfoldedWidth;
        var sampleLength = PaddedSampleLength(layer);
        var tapOffsets = stackalloc long[taps];
        for (int dy = 0, t = 0; dy < kh; dy++)
        {
            for (var dx = 0; dx < ConvolutionGeometry.KernelWidth; dx++)
            {
                for (var ch = 0; ch < c; ch++, t++)
                {
                    tapOffsets[t] = ((((long)dy * pw) + dx) * c) + ch;
                }
            }
        }

        for (var b = 0; b < count; b++)
        {
            var sample = padded + (b * sampleLength);
            for (var y = 0; y < h; y++)
            {
                var inputRow = sample + ((long)y * pw * c);
                var outputRow = outputs + ((((long)b * h) + y) * w * cout);
                var j = 0;
                if (Sgemm.UsesAvx512)
                {
                    for (; j + 16 <= cout; j += 16)
                    {
                        var x = 0;
                        for (; x + 4 <= w; x += 4)
                        {
                            var window = inputRow + ((long)x * c);
                            var s0 = Vector512.Load(bias + j);
                            var s1 = s0;
                            var s2 = s0;
                            var s3 = s0;
                            for (var t = 0; t < taps; t++)
                            {
                                var weight = Vector512.Load(weights + ((long)t * cout) + j);
                                var tap = window + tapOffsets[t];
                                s0 = Avx512F.FusedMultiplyAdd(Vector512.Create(tap[0]), weight, s0);
                                s1 = Avx512F.FusedMultiplyAdd(Vector512.Create(tap[c]), weight, s1);
                                s2 = Avx512F.FusedMultiplyAdd(Vector512.Create(tap[2 * c]), weight, s2);
                                s3 = Avx512F.FusedMultiplyAdd(Vector512.Create(tap[3 * c]), weight, s3);
                            }

                            var output = outputRow + ((long)x * cout) + j;
                            s0.Store(output);
                            s1.Store(output + cout);
                            s2.Store(output + (2 * cout));
                            s3.Store(output + (3 * cout));
                        }

                        for (; x < w; x++)
                        {
                            var window = inputRow + ((long)x * c);
                            var sum = Vector512.Load(bias + j);
                            for (var t = 0; t < taps; t++)
                            {
                                sum = Avx512F.FusedMultiplyAdd(Vector512.Create(window[tapOffsets[t]]), Vector512.Load(weights + ((long)t * cout) + j), sum);
                            }

                            sum.Store(outputRow + ((long)x * cout) + j);
                        }
                    }
                }

                for (; j + 8 <= cout; j += 8)
                {
                    for (var x = 0; x < w; x++)
                    {
                        var window = inputRow + ((long)x * c);
                        var sum = Vector256.Load(bias + j);
                        for (var t = 0; t < taps; t++)
                        {
                            sum = Fma.MultiplyAdd(Vector256.Create(window[tapOffsets[t]]), Vector256.Load(weights + ((long)t * cout) + j), sum);
                        }

                        sum.Store(outputRow + ((long)x * cout) + j);
                    }
                }

                for (; j < cout; j++)
                {
                    for (var x = 0; x < w; x++)
                    {
                        var window = inputRow + ((long)x * c);
                        var sum = bias[j];
                        for (var t = 0; t < taps; t++)
                        {
                            sum = MathF.FusedMultiplyAdd(window[tapOffsets[t]], weights[((long)t * cout) + j], sum);
                        }

                        outputRow[((long)x * cout) + j] = sum;
                    }
                }
            }
        }
    }

    /// <summary>weightGradient[(dy, dx, c), :] = Σ over <paramref name="count"/> samples and output positions of
    /// padded[b, y + dy, x + dx, c] · outputGradient[b, y, x, :] (overwritten; [unfolded width, out channels]).
    /// Sample by sample, so that one sample's output gradient stays in cache while every tap reads it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WeightGradient(float* padded, float* outputGradient, int count, ConvolutionGeometry layer, float* weightGradient)
    {
        int h = layer.Height, w = layer.Width, c = layer.InChannels, kh = layer.KernelHeight, cout = layer.OutChannels;
        var pw = w + 2;
        var sampleLength = PaddedSampleLength(layer);
        var sampleGradientLength = (long)h * w * cout;
        new Span<float>(weightGradient, layer.UnfoldedWidth * cout).Clear();
        for (var b = 0; b < count; b++)
        {
            var sample = padded + (b * sampleLength);
            var sampleGradient = outputGradient + (b * sampleGradientLength);
            for (int dy = 0, t = 0; dy < kh; dy++)
            {
                for (var dx = 0; dx < ConvolutionGeometry.KernelWidth; dx++)
                {
                    for (var ch = 0; ch < c; ch++, t++)
                    {
                        var row = weightGradient + ((long)t * cout);
                        var tap = sample + ((((long)dy * pw) + dx) * c) + ch;
                        var j = 0;
                        if (Sgemm.UsesAvx512)
                        {
                            for (; j + 16 <= cout; j += 16)
                            {
                                Vector512<float> s0 = Vector512.Load(row + j), s1 = default, s2 = default, s3 = default;
                                var gradient = sampleGradient + j;
                                for (var y = 0; y < h; y++)
                                {
                                    var input = tap + ((long)y * pw * c);
                                    var x = 0;
                                    for (; x + 3 < w; x += 4, gradient += 4 * cout)
                                    {
                                        s0 = Avx512F.FusedMultiplyAdd(Vector512.Create(input[(long)x * c]), Vector512.Load(gradient), s0);
                                        s1 = Avx512F.FusedMultiplyAdd(Vector512.Create(input[(long)(x + 1) * c]), Vector512.Load(gradient + cout), s1);
                                        s2 = Avx512F.FusedMultiplyAdd(Vector512.Create(input[(long)(x + 2) * c]), Vector512.Load(gradient + (2 * cout)), s2);
                                        s3 = Avx512F.FusedMultiplyAdd(Vector512.Create(input[(long)(x + 3) * c]), Vector512.Load(gradient + (3 * cout)), s3);
                                    }

                                    for (; x < w; x++, gradient += cout)
                                    {
                                        s0 = Avx512F.FusedMultiplyAdd(Vector512.Create(input[(long)x * c]), Vector512.Load(gradient), s0);
                                    }
                                }

                                ((s0 + s1) + (s2 + s3)).Store(row + j);
                            }
                        }

                        for (; j + 8 <= cout; j += 8)
                        {
                            Vector256<float> even = Vector256.Load(row + j), odd = default;
                            var gradient = sampleGradient + j;
                            for (var y = 0; y < h; y++)
                            {
                                var input = tap + ((long)y * pw * c);
                                var x = 0;
                                for (; x + 1 < w; x += 2, gradient += 2 * cout)
                                {
                                    even = Fma.MultiplyAdd(Vector256.Create(input[(long)x * c]), Vector256.Load(gradient), even);
                                    odd = Fma.MultiplyAdd(Vector256.Create(input[(long)(x + 1) * c]), Vector256.Load(gradient + cout), odd);
                                }

                                for (; x < w; x++, gradient += cout)
                                {
                                    even = Fma.MultiplyAdd(Vector256.Create(input[(long)x * c]), Vector256.Load(gradient), even);
                                }
                            }

                            (even + odd).Store(row + j);
                        }

                        for (; j < cout; j++)
                        {
                            var sum = row[j];
                            var gradient = sampleGradient + j;
                            for (var y = 0; y < h; y++)
                            {
                                var input = tap + ((long)y * pw * c);
                                for (var x = 0; x < w; x++, gradient += cout)
                                {
                                    sum = MathF.FusedMultiplyAdd(input[(long)x * c], *gradient, sum);
                                }
                            }

                            row[j] = sum;
                        }
                    }
                }
            }
        }
    }
}
