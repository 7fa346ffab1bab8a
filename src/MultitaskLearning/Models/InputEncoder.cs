using MultitaskLearning.Graphs;
using static TorchSharp.torch;

namespace MultitaskLearning.Models;

/// <summary>An encoder module: maps a batch [B, sample shape…] to [B, <see cref="InputDefinition.EncodedSize"/>].</summary>
internal abstract class InputEncoder : nn.Module
{
    protected InputEncoder(string name)
        : base(name)
    {
    }

    public abstract Tensor Encode(Tensor batch);

    /// <summary>The ONNX form of <see cref="Encode"/> in eval mode.</summary>
    public abstract string ToOnnx(OnnxGraphBuilder graph, string batch);

    public static InputEncoder Create(InputDefinition input, Activation activation, LayerDropout dropout) => input.Encoder == EncoderKind.Convolutional
        ? new ConvolutionalEncoder(input, activation, dropout)
        : new DenseEncoder(input, activation, dropout);
}
