using MultitaskLearning.Kernels;
using MultitaskLearning.Models;

namespace MultitaskLearning.Training;

/// <summary>The fused engine's activations after dense layers, by <see cref="Activation"/>: which it implements,
/// the forward pass and the gradient (<see cref="ActivationKernels"/>, ReLU in <see cref="VectorMath"/>).</summary>
internal static unsafe class FusedActivation
{
    /// <summary>Null for an activation the engine implements after dense layers (every built-in one); throws for an
    /// unknown one.</summary>
    public static string? Unsupported(Activation activation) => activation switch
    {
        Activation.ReLU or Activation.Tanh or Activation.GELU or Activation.SiLU => null,
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation."),
    };

    /// <summary>a ← f(z) over <paramref name="length"/> values; for ReLU <paramref name="z"/> is <paramref name="a"/> (in place).</summary>
    public static void Forward(Activation f, float* z, float* a, long length)
    {
        switch (f)
        {
            case Activation.ReLU:
                VectorMath.ReluInPlace(a, length);
                break;
            case Activation.Tanh:
                ActivationKernels.Tanh(z, a, length);
                break;
            case Activation.GELU:
                ActivationKernels.Gelu(z, a, length);
                break;
            case Activation.SiLU:
                ActivationKernels.Silu(z, a, length);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(f), f, "Unknown activation.");
        }
    }

    /// <summary>gradient ← gradient · f′(z), from the pre-activation <paramref name="z"/> or the output <paramref name="a"/>.</summary>
    public static void Backward(Activation f, float* gradient, float* z, float* a, long length)
    {
        switch (f)
        {
            case Activation.ReLU:
                VectorMath.ReluBackward(gradient, a, length);
                break;
            case Activation.Tanh:
                ActivationKernels.TanhBackward(gradient, a, length);
                break;
            case Activation.GELU:
                ActivationKernels.GeluBackward(gradient, z, length);
                break;
            case Activation.SiLU:
                ActivationKernels.SiluBackward(gradient, z, length);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(f), f, "Unknown activation.");
        }
    }
}
