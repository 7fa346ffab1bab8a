using MultitaskLearning.Kernels;
using TorchSharp.Modules;

namespace MultitaskLearning.Models;

/// <summary>
/// One convolution of a convolutional encoder as the training engines see it: kernel 3 × 3 with padding 1 on
/// [<see cref="InChannels"/>, <see cref="Height"/>, <see cref="Width"/>] samples, or kernel 3 with padding 1 on
/// [<see cref="InChannels"/>, <see cref="Width"/>] samples (<see cref="Height"/> 1), stride 1, so the output keeps the
/// spatial size; the encoder follows it with its activation and a max-pool of 2 (× 2).
/// </summary>
/// <param name="InChannels">Channels going in.</param>
/// <param name="OutChannels">Channels coming out.</param>
/// <param name="Height">Rows of the input (1 for one-dimensional samples).</param>
/// <param name="Width">Columns of the input (the length of one-dimensional samples).</param>
/// <param name="TwoDimensional">Whether the kernel is 3 × 3 (else 3 along <see cref="Width"/>).</param>
/// <param name="Module">The <see cref="Conv2d"/> or <see cref="Conv1d"/> module that holds the parameters.</param>
internal sealed record ConvolutionLayer(int InChannels, int OutChannels, int Height, int Width, bool TwoDimensional, TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> Module)
{
    /// <summary>The weight, [out, in, 3, 3] or [out, in, 3].</summary>
    public Parameter Weight => Module switch
    {
        Conv2d c => c.weight!,
        Conv1d c => c.weight!,
        _ => throw new InvalidOperationException($"{Module.GetType().Name} is not a convolution."),
    };

    /// <summary>The bias, [out].</summary>
    public Parameter Bias => Module switch
    {
        Conv2d c => c.bias!,
        Conv1d c => c.bias!,
        _ => throw new InvalidOperationException($"{Module.GetType().Name} is not a convolution."),
    };

    /// <summary>The block's sizes, as the fused engine's kernels take them.</summary>
    public ConvolutionGeometry Geometry => new(InChannels, OutChannels, Height, Width, TwoDimensional);
}
