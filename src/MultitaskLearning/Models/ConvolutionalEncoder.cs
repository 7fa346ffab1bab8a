using MultitaskLearning.Graphs;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MultitaskLearning.Models;

/// <summary>
/// Convolution blocks for [C, H, W] samples (Conv2d 3×3, padding 1 → activation → MaxPool 2×2) or [C, L] samples
/// (Conv1d 3, padding 1 → activation → MaxPool 2), then flatten and the dense encoder layers.
/// </summary>
internal sealed class ConvolutionalEncoder : InputEncoder
{
    private readonly ModuleList<nn.Module<Tensor, Tensor>> convolutions;
    private readonly DenseStack dense;
    private readonly Activation activation;
    private readonly bool twoDimensional;

    public ConvolutionalEncoder(InputDefinition input, Activation activation, double dropout)
        : base("encoder")
    {
        this.activation = activation;
        twoDimensional = input.SampleShape.Count == 3;
        convolutions = new ModuleList<nn.Module<Tensor, Tensor>>();
        var channels = input.SampleShape[0];
        foreach (var next in input.ConvolutionChannels)
        {
            convolutions.Add(twoDimensional
                ? nn.Conv2d(channels, next, kernel_size: 3, padding: 1)
                : nn.Conv1d(channels, next, kernel_size: 3, padding: 1));
            channels = next;
        }

        dense = new DenseStack("dense", input.ConvolvedSize, input.EncoderLayers, activation, dropout);
        RegisterComponents();
    }

    public override Tensor Encode(Tensor batch)
    {
        var x = batch;
        foreach (var convolution in convolutions)
        {
            x = ActivationFunctions.Apply(activation, convolution.forward(x));
            x = twoDimensional ? nn.functional.max_pool2d(x, 2) : nn.functional.max_pool1d(x, 2);
        }

        return dense.Forward(x.reshape(x.shape[0], -1));
    }

    public override string ToOnnx(OnnxGraphBuilder graph, string batch)
    {
        var x = batch;
        long[] kernel = twoDimensional ? [3, 3] : [3];
        long[] pads = twoDimensional ? [1, 1, 1, 1] : [1, 1];
        long[] pool = twoDimensional ? [2, 2] : [2];
        foreach (var convolution in convolutions)
        {
            var (weight, bias) = convolution switch
            {
                Conv2d c => (c.weight!, c.bias!),
                Conv1d c => (c.weight!, c.bias!),
                _ => throw new InvalidOperationException($"Convolution module {convolution.GetType().Name} has no ONNX form."),
            };
            x = graph.Node("Conv", [x, graph.Weight("conv_weight", weight), graph.Weight("conv_bias", bias)], OnnxGraphBuilder.Ints("kernel_shape", kernel), OnnxGraphBuilder.Ints("pads", pads));
            x = ActivationFunctions.ToOnnx(graph, activation, x);
            x = graph.Node("MaxPool", [x], OnnxGraphBuilder.Ints("kernel_shape", pool), OnnxGraphBuilder.Ints("strides", pool));
        }

        return dense.ToOnnx(graph, graph.Node("Flatten", [x], OnnxGraphBuilder.Int("axis", 1)));
    }
}
