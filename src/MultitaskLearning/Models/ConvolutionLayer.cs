using MultitaskLearning.Kernels;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MultitaskLearning.Models;

/// <summary>
/// One convolution of a convolutional encoder as the training engines see it: its sizes (kernel 3 × 3 or 3, padding 1,
/// stride 1, so the output keeps the spatial size; the encoder follows it with its activation and a max-pool of 2 (× 2))
/// and the module that holds its parameters.
/// </summary>
/// <param name="Geometry">Channels, spatial size and whether the kernel is two-dimensional.</param>
/// <param name="Module">The <see cref="Conv2d"/> or <see cref="Conv1d"/> module that holds the parameters.</param>
internal sealed record ConvolutionLayer(ConvolutionGeometry Geometry, nn.Module<Tensor, Tensor> Module)
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
}
