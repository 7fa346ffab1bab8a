using MultitaskLearning.Graphs;
using static TorchSharp.torch;

namespace MultitaskLearning.Models;

/// <summary>Flattens the sample and applies the input's dense encoder layers.</summary>
internal sealed class DenseEncoder : InputEncoder
{
    private readonly DenseStack layers;

    public DenseEncoder(InputDefinition input, Activation activation, LayerDropout dropout)
        : base("encoder")
    {
        layers = new DenseStack("layers", input.SampleSize, input.EncoderLayers, activation, dropout);
        RegisterComponents();
    }

    /// <summary>The encoder's layers (for the fused training engine).</summary>
    public DenseStack Layers => layers;

    public override Tensor Encode(Tensor batch) => layers.Forward(batch.reshape(batch.shape[0], -1));

    public override string ToOnnx(OnnxGraphBuilder graph, string batch) =>
        layers.ToOnnx(graph, graph.Node("Flatten", [batch], OnnxGraphBuilder.Int("axis", 1)));
}
