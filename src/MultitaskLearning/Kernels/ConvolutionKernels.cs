using System.Runtime.CompilerServices;
using MultitaskLearning.Models;

namespace MultitaskLearning.Kernels;

/// <summary>
/// The data movement around the fused engine's convolutions, which run as matrix products (<see cref="Sgemm"/>):
/// unfolding of channels-last ("NHWC") samples into one row per output position (im2col) and its adjoint (col2im),
/// the 2 (× 2) max-pool and its gradient, and the conversions between the channels-first layout of samples and
/// flattened features ("NCHW", PyTorch's) and the channels-last layout the products want. A row of the unfolded
/// matrix lists the kernel taps row by row, column by column, and the input channels within each tap.
/// </summary>
internal static unsafe class ConvolutionKernels
{
    /// <summary>Values per unfolded row: kernel rows × kernel columns × input channels.</summary>
    public static int UnfoldedWidth(ConvolutionLayer layer) => layer.KernelHeight * ConvolutionLayer.KernelWidth * layer.InChannels;

    /// <summary>columns[(b, y, x), (dy, dx, c)] = input[b, y + dy − pad, x + dx − 1, c], zero outside the sample.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Unfold(float* input, int batch, ConvolutionLayer layer, float* columns)
    {
        int h = layer.Height, w = layer.Width, c = layer.InChannels, kh = layer.KernelHeight, pad = kh / 2;
        var bytes = (long)c * sizeof(float);
        var row = columns;
        for (var b = 0; b < batch; b++)
        {
            var sample = input + ((long)b * h * w * c);
            for (var y = 0; y < h; y++)
            {
                for (var x = 0; x < w; x++)
                {
                    for (var dy = 0; dy < kh; dy++)
                    {
                        var yy = y + dy - pad;
                        for (var dx = 0; dx < ConvolutionLayer.KernelWidth; dx++)
                        {
                            var xx = x + dx - 1;
                            if (yy >= 0 && yy < h && xx >= 0 && xx < w)
                            {
                                Buffer.MemoryCopy(sample + ((((long)yy * w) + xx) * c), row, bytes, bytes);
                            }
                            else
                            {
                                new Span<float>(row, c).Clear();
                            }

                            row += c;
                        }
                    }
                }
            }
        }
    }

    /// <summary>The adjoint of <see cref="Unfold"/>: input gradient[b, y', x', c] = Σ of the unfolded gradients that
    /// <see cref="Unfold"/> copied from there. <paramref name="inputGradient"/> is overwritten.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Fold(float* columnGradient, int batch, ConvolutionLayer layer, float* inputGradient)
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
                    for (var dy = 0; dy < kh; dy++)
                    {
                        var yy = y + dy - pad;
                        for (var dx = 0; dx < ConvolutionLayer.KernelWidth; dx++)
                        {
                            var xx = x + dx - 1;
                            if (yy >= 0 && yy < h && xx >= 0 && xx < w)
                            {
                                VectorMath.Add(row, sample + ((((long)yy * w) + xx) * c), c);
                            }

                            row += c;
                        }
                    }
                }
            }
        }
    }

    /// <summary>Max-pool of 2 (× 2), floor-sized, over channels-last [batch, H, W, C] into [batch, H/2, W/2, C];
    /// <paramref name="winners"/> gets, per output, the index in <paramref name="input"/> of the first largest value in
    /// scan order (as libtorch).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MaxPool(float* input, int batch, ConvolutionLayer layer, float* output, int* winners)
    {
        int h = layer.Height, w = layer.Width, c = layer.OutChannels, ph = layer.PoolHeight;
        int oh = layer.PooledHeight, ow = layer.PooledWidth;
        long o = 0;
        for (var b = 0; b < batch; b++)
        {
            var sampleBase = (long)b * h * w * c;
            for (var y = 0; y < oh; y++)
            {
                for (var x = 0; x < ow; x++)
                {
                    for (var ch = 0; ch < c; ch++, o++)
                    {
                        var best = sampleBase + ((((long)y * ph * w) + (x * 2)) * c) + ch;
                        var max = input[best];
                        for (var dy = 0; dy < ph; dy++)
                        {
                            for (var dx = 0; dx < 2; dx++)
                            {
                                var index = sampleBase + ((((long)((y * ph) + dy) * w) + (x * 2) + dx) * c) + ch;
                                var value = input[index];
                                if (value > max)
                                {
                                    max = value;
                                    best = index;
                                }
                            }
                        }

                        output[o] = max;
                        winners[o] = checked((int)best);
                    }
                }
            }
        }
    }

    /// <summary>The gradient of <see cref="MaxPool"/>: each pooled gradient goes to its window's winner; everything
    /// else of <paramref name="inputGradient"/> (<paramref name="inputLength"/> values) is zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MaxPoolBackward(float* outputGradient, int* winners, long outputLength, float* inputGradient, long inputLength)
    {
        new Span<float>(inputGradient, checked((int)inputLength)).Clear();
        for (long o = 0; o < outputLength; o++)
        {
            inputGradient[winners[o]] += outputGradient[o];
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
