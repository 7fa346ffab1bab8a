using MultitaskLearning.Graphs;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MultitaskLearning.Models;

/// <summary>
/// Convolution blocks for [C, H, W] samples (Conv2d 3×3, padding 1 → activation → MaxPool 2×2) or [C, L] samples
/// (Conv1d 3, padding 1 → activation → MaxPool 2), then flatten and the dense encoder layers. The blocks are built
/// as one list of <see cref="LayerDescription"/>s (<see cref="Describe"/>), which the forward pass, the ONNX export
/// and the fused training engine all walk.
/// </summary>
internal sealed class ConvolutionalEncoder : InputEncoder
{
    private readonly ModuleList<nn.Module<Tensor, Tensor>> convolutions;
    private readonly DenseStack dense;
    private readonly LayerDescription[] blocks;

    public ConvolutionalEncoder(InputDefinition input, Activation activation, double dropout)
        : base("encoder")
    {
        var twoDimensional = input.SampleShape.Count == 3;
        convolutions = new ModuleList<nn.Module<Tensor, Tensor>>();
        var plan = new List<LayerDescription>();
        var channels = input.SampleShape[0];
        var height = twoDimensional ? input.SampleShape[1] : 1;
        var width = input.SampleShape[^1];
        foreach (var next in input.ConvolutionChannels)
        {
            ConvolutionLayer layer;
            if (twoDimensional)
            {
                var convolution = nn.Conv2d(channels, next, kernel_size: 3, padding: 1);
                convolutions.Add(convolution);
                layer = new ConvolutionLayer(channels, next, height, width, true, convolution);
            }
            else
            {
                var convolution = nn.Conv1d(channels, next, kernel_size: 3, padding: 1);
                convolutions.Add(convolution);
                layer = new ConvolutionLayer(channels, next, height, width, false, convolution);
            }

            var outputSize = next * height * width;
            plan.Add(new LayerDescription(LayerKind.Convolution, channels * height * width, outputSize, Convolution: layer));
            plan.Add(new LayerDescription(LayerKind.Activation, outputSize, outputSize, Activation: activation));
            plan.Add(new LayerDescription(LayerKind.MaxPool, outputSize, next * layer.Geometry.PooledHeight * layer.Geometry.PooledWidth, Convolution: layer));
            channels = next;
            height = layer.Geometry.PooledHeight;
            width = layer.Geometry.PooledWidth;
        }

        blocks = [.. plan];
        dense = new DenseStack("dense", input.ConvolvedSize, input.EncoderLayers, activation, dropout);
        RegisterComponents();
    }

    /// <summary>The encoder's layers in order: convolution, activation and max-pool per block, then the dense encoder
    /// layers (the flatten between them is implied: channels, then rows, then columns).</summary>
    public IReadOnlyList<LayerDescription> Describe() => [.. blocks, .. dense.Describe()];

    public override Tensor Encode(Tensor batch)
    {
        var x = batch;
        foreach (var layer in blocks)
        {
            x = layer.Kind switch
            {
                LayerKind.Convolution => layer.Convolution!.Module.forward(x),
                LayerKind.Activation => ActivationFunctions.Apply(layer.Activation, x),
                LayerKind.MaxPool => layer.Convolution!.TwoDimensional ? nn.functional.max_pool2d(x, 2) : nn.functional.max_pool1d(x, 2),
                _ => throw new InvalidOperationException($"A convolution block has no {layer.Kind} layer."),
            };
        }

        return dense.Forward(x.reshape(x.shape[0], -1));
    }

    public override string ToOnnx(OnnxGraphBuilder graph, string batch)
    {
        var x = batch;
        foreach (var layer in blocks)
        {
            var shape = layer.Convolution;
            long[] kernel = shape?.TwoDimensional == true ? [3, 3] : [3];
            long[] pads = shape?.TwoDimensional == true ? [1, 1, 1, 1] : [1, 1];
            long[] pool = shape?.TwoDimensional == true ? [2, 2] : [2];
            x = layer.Kind switch
            {
                LayerKind.Convolution => graph.Node("Conv", [x, graph.Weight("conv_weight", shape!.Weight), graph.Weight("conv_bias", shape.Bias)], OnnxGraphBuilder.Ints("kernel_shape", kernel), OnnxGraphBuilder.Ints("pads", pads)),
                LayerKind.Activation => ActivationFunctions.ToOnnx(graph, layer.Activation, x),
                LayerKind.MaxPool => graph.Node("MaxPool", [x], OnnxGraphBuilder.Ints("kernel_shape", pool), OnnxGraphBuilder.Ints("strides", pool)),
                _ => throw new InvalidOperationException($"A convolution block has no {layer.Kind} layer."),
            };
        }

        return dense.ToOnnx(graph, graph.Node("Flatten", [x], OnnxGraphBuilder.Int("axis", 1)));
    }
}
