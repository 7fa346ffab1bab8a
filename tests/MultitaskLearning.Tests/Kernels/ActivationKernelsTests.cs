using MultitaskLearning.Kernels;
using Xunit;

namespace MultitaskLearning.Tests.Kernels;

/// <summary>The fused engine's error function against reference values (GELU's distribution function rests on it).</summary>
public sealed class ActivationKernelsTests
{
    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(1e-3, 0.0011283787909692363)]
    [InlineData(0.5, 0.5204998778130465)]
    [InlineData(-1.2, -0.9103139782296353)]
    [InlineData(2.5, 0.9995930479825550)]
    [InlineData(-6.0, -1.0)]
    public void Erf_MatchesReferenceValues(double x, double expected)
    {
        Assert.Equal(expected, ActivationKernels.Erf(x), 6);
        Assert.True(Math.Abs(ActivationKernels.Erf(x) - expected) <= 2e-7, $"erf({x}) = {ActivationKernels.Erf(x)}, expected {expected}");
    }
}
