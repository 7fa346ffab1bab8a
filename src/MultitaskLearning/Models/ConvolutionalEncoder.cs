using MultitaskLearning.Graphs;
using MultitaskLearning.Kernels;
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

    public ConvolutionalEncoder(InputDefinition input, Activation activation, LayerDropout dropout)
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
            var geometry = new ConvolutionGeometry(channels, next, height, width, twoDimensional);
            nn.Module<Tensor, Tensor> convolution = twoDimensional
                ? nn.Conv2d(channels, next, kernel_size: 3, padding: 1)
                : nn.Conv1d(channels, next, kernel_size: 3, padding: 1);
            convolutions.Add(convolution);
            var layer = new ConvolutionLayer(geometry, convolution);
            var outputSize = next * height * width;
            plan.Add(new LayerDescription(LayerKind.Convolution, channels * height * width, outputSize, Convolution: layer));
            plan.Add(new LayerDescription(LayerKind.Activation, outputSize, outputSize, Activation: activation));
            plan.Add(new LayerDescription(LayerKind.MaxPool, outputSize, next * geometry.PooledHeight * geometry.PooledWidth, Convolution: layer));
            channels = next;
            height = geometry.PooledHeight;
            width = geometry.PooledWidth;
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
                LayerKind.MaxPool => layer.Convolution!.Geometry.TwoDimensional ? nn.functional.max_pool2d(x, 2) : nn.functional.max_pool1d(x, 2),
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
            x = layer.Kind switch
            {
                LayerKind.Convolution => graph.Node(
                    "Conv",
                    [x, graph.Weight("conv_weight", layer.Convolution!.Weight), graph.Weight("conv_bias", layer.Convolution.Bias)],
                    OnnxGraphBuilder.Ints("kernel_shape", Window(layer, 3)),
                    OnnxGraphBuilder.Ints("pads", layer.Convolution.Geometry.TwoDimensional ? [1, 1, 1, 1] : [1, 1])),
                LayerKind.Activation => ActivationFunctions.ToOnnx(graph, layer.Activation, x),
                LayerKind.MaxPool => graph.Node("MaxPool", [x], OnnxGraphBuilder.Ints("kernel_shape", Window(layer, 2)), OnnxGraphBuilder.Ints("strides", Window(layer, 2))),
                _ => throw new InvalidOperationException($"A convolution block has no {layer.Kind} layer."),
            };
        }

        return dense.ToOnnx(graph, graph.Node("Flatten", [x], OnnxGraphBuilder.Int("axis", 1)));
    }

    /// <summary>A square window of <paramref name="size"/> over the layer's spatial dimensions, as ONNX lists it.</summary>
    private static long[] Window(LayerDescription layer, long size) => layer.Convolution!.Geometry.TwoDimensional ? [size, size] : [size];
}
