using MultitaskLearning.Graphs;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MultitaskLearning.Models;

/// <summary>A stack of fully connected layers, each followed by the activation and dropout; used for encoders and
/// trunks. The stack is built from, and runs, one list of <see cref="LayerDescription"/>s (<see cref="Describe"/>).</summary>
internal sealed class DenseStack : nn.Module
{
    private readonly ModuleList<Linear> layers;
    private readonly LayerDescription[] plan;

    public DenseStack(string name, int inputSize, IReadOnlyList<int> sizes, Activation activation, LayerDropout dropout)
        : base(name)
    {
        layers = new ModuleList<Linear>();
        var steps = new List<LayerDescription>();
        var previous = inputSize;
        foreach (var size in sizes)
        {
            var linear = nn.Linear(previous, size);
            layers.Add(linear);
            steps.Add(new LayerDescription(LayerKind.Dense, previous, size, Dense: linear));
            steps.AddRange(HiddenLayers(size, activation, dropout));
            previous = size;
        }

        plan = [.. steps];
        OutputSize = previous;
        RegisterComponents();
    }

    public int OutputSize { get; }

    /// <summary>The layers between two weight layers: the activation, then dropout (with a key of its own) when its
    /// rate is above 0.</summary>
    public static IEnumerable<LayerDescription> HiddenLayers(int width, Activation activation, LayerDropout dropout)
    {
        yield return new LayerDescription(LayerKind.Activation, width, width, Activation: activation);
        if (dropout.Rate > 0)
        {
            yield return new LayerDescription(LayerKind.Dropout, width, width, DropoutRate: dropout.Rate, Masks: dropout.Masks, DropoutKey: dropout.Masks.NextKey());
        }
    }

    /// <summary>Applies one non-weight layer (activation or dropout) of a plan.</summary>
    /// <exception cref="InvalidOperationException">The layer kind has weights or is unknown.</exception>
    public static Tensor ApplyHidden(LayerDescription layer, Tensor x, bool training) => layer.Kind switch
    {
        LayerKind.Activation => ActivationFunctions.Apply(layer.Activation, x),
        LayerKind.Dropout => training ? x.mul(layer.Masks!.Mask(layer.DropoutKey, layer.DropoutSlice, x.shape, layer.DropoutRate, x.device)) : x,
        _ => throw new InvalidOperationException($"Layer kind {layer.Kind} is not an activation or dropout layer."),
    };

    /// <summary>The ONNX form of one non-weight layer at inference: the activation, or nothing for dropout.</summary>
    /// <exception cref="InvalidOperationException">The layer kind has weights or is unknown.</exception>
    public static string HiddenToOnnx(LayerDescription layer, OnnxGraphBuilder graph, string x) => layer.Kind switch
    {
        LayerKind.Activation => ActivationFunctions.ToOnnx(graph, layer.Activation, x),
        LayerKind.Dropout => x,
        _ => throw new InvalidOperationException($"Layer kind {layer.Kind} is not an activation or dropout layer."),
    };

    /// <summary>The ONNX form of <see cref="Forward"/> in eval mode, for a [B, in] value.</summary>
    public string ToOnnx(OnnxGraphBuilder graph, string x)
    {
        foreach (var layer in plan)
        {
            x = layer.Kind == LayerKind.Dense
                ? graph.Node("Gemm", [x, graph.Weight("weight", layer.Dense!.weight!), graph.Weight("bias", layer.Dense.bias!)], OnnxGraphBuilder.Int("transB", 1))
                : HiddenToOnnx(layer, graph, x);
        }

        return x;
    }

    /// <summary>The stack's layers in order, as built.</summary>
    public IReadOnlyList<LayerDescription> Describe() => plan;

    public Tensor Forward(Tensor x)
    {
        foreach (var layer in plan)
        {
            x = layer.Kind == LayerKind.Dense ? layer.Dense!.forward(x) : ApplyHidden(layer, x, training);
        }

        return x;
    }
}
