using System.Runtime.CompilerServices;

namespace MultitaskLearning.Kernels;

/// <summary>
/// The fused engine's smooth activations and their derivatives, element by element over [rows × width] buffers, with
/// libtorch's formulas: tanh (derivative 1 − tanh², from the output), exact GELU x·Φ(x) (derivative Φ(x) + x·φ(x), from
/// the input) and SiLU x·σ(x) (derivative σ(x)·(1 + x·(1 − σ(x))), from the input). ReLU lives in
/// <see cref="VectorMath"/>.
/// </summary>
internal static unsafe class ActivationKernels
{
    private const double InverseSquareRootTwo = 0.70710678118654752440;
    private const double InverseSquareRootTwoPi = 0.39894228040143267794;

    /// <summary>output ← tanh(input).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tanh(float* input, float* output, long length)
    {
        for (long i = 0; i < length; i++)
        {
            output[i] = MathF.Tanh(input[i]);
        }
    }

    /// <summary>gradient ← gradient · (1 − output²), with output = tanh(input).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TanhBackward(float* gradient, float* output, long length)
    {
        for (long i = 0; i < length; i++)
        {
            gradient[i] *= 1 - (output[i] * output[i]);
        }
    }

    /// <summary>output ← input · Φ(input), Φ the standard normal distribution function.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gelu(float* input, float* output, long length)
    {
        for (long i = 0; i < length; i++)
        {
            double x = input[i];
            output[i] = (float)(x * 0.5 * (1 + Erf(x * InverseSquareRootTwo)));
        }
    }

    /// <summary>gradient ← gradient · (Φ(input) + input · φ(input)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GeluBackward(float* gradient, float* input, long length)
    {
        for (long i = 0; i < length; i++)
        {
            double x = input[i];
            var cdf = 0.5 * (1 + Erf(x * InverseSquareRootTwo));
            var pdf = Math.Exp(-0.5 * x * x) * InverseSquareRootTwoPi;
            gradient[i] = (float)(gradient[i] * (cdf + (x * pdf)));
        }
    }

    /// <summary>output ← input · σ(input).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Silu(float* input, float* output, long length)
    {
        for (long i = 0; i < length; i++)
        {
            var x = input[i];
            output[i] = x / (1 + MathF.Exp(-x));
        }
    }

    /// <summary>gradient ← gradient · σ(input) · (1 + input · (1 − σ(input))).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SiluBackward(float* gradient, float* input, long length)
    {
        for (long i = 0; i < length; i++)
        {
            var x = input[i];
            var sigmoid = 1 / (1 + MathF.Exp(-x));
            gradient[i] *= sigmoid * (1 + (x * (1 - sigmoid)));
        }
    }

    /// <summary>The error function, to about 1.2·10⁻⁷ relative error (the Chebyshev fit of erfc in Numerical Recipes,
    /// evaluated in double precision).</summary>
    internal static double Erf(double x)
    {
        var z = Math.Abs(x);
        var t = 1 / (1 + (0.5 * z));
        ReadOnlySpan<double> coefficients = [-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277];
        var polynomial = 0.0;
        for (var i = coefficients.Length - 1; i >= 0; i--)
        {
            polynomial = (polynomial * t) + coefficients[i];
        }

        var complement = t * Math.Exp((-z * z) + polynomial);
        return x >= 0 ? 1 - complement : complement - 1;
    }
}
