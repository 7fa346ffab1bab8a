using MultitaskLearning.Graphs;
using static TorchSharp.torch;

namespace MultitaskLearning.Models;

/// <summary>Applies an <see cref="Activation"/>.</summary>
internal static class ActivationFunctions
{
    public static Tensor Apply(Activation activation, Tensor x) => activation switch
    {
        Activation.ReLU => nn.functional.relu(x),
        Activation.Tanh => nn.functional.tanh(x),
        Activation.GELU => nn.functional.gelu(x),
        Activation.SiLU => nn.functional.silu(x),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation."),
    };

    /// <summary>The ONNX operators that compute <see cref="Apply"/> (GELU in its exact erf form, which opset 17 has no
    /// single operator for).</summary>
    public static string ToOnnx(OnnxGraphBuilder graph, Activation activation, string x) => activation switch
    {
        Activation.ReLU => graph.Node("Relu", [x]),
        Activation.Tanh => graph.Node("Tanh", [x]),
        Activation.GELU => graph.Node("Mul", [
            graph.Node("Mul", [x, graph.Node("Add", [graph.Node("Erf", [graph.Node("Div", [x, graph.Scalar("sqrt2", MathF.Sqrt(2))])]), graph.Scalar("one", 1)])]),
            graph.Scalar("half", 0.5f)]),
        Activation.SiLU => graph.Node("Mul", [x, graph.Node("Sigmoid", [x])]),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation."),
    };
}
