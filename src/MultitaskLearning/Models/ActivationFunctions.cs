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
}
