using MultitaskLearning.Tasks;
using MultitaskLearning.Training.Weighting;
using MultitaskLearning.TestUtilities;
using Xunit;
using static TorchSharp.torch;

namespace MultitaskLearning.Tests.Training;

public sealed class WeightingTests
{
    private static readonly TaskDefinition[] Tasks = [TaskDefinition.Regression("a") with { Weight = 0.5 }, TaskDefinition.Multiclass("b", 3) with { Weight = 2 }];

    [Fact]
    public void FixedWeighting_IsAlphaWeightedSum()
    {
        using var state = new FixedWeighting().CreateState(Tasks, CPU);
        using var scope = NewDisposeScope();
        var result = state.Combine(tensor(new[] { 3f, 1.5f }), tensor(new[] { 1f, 1f }));
        Assert.Equal((0.5 * 3) + (2 * 1.5), result.Total.item<float>(), 5);
        Assert.Equal([0.5f, 2f], result.TaskWeights.data<float>().ToArray());
    }

    [Fact]
    public void EqualWeighting_IgnoresAlpha()
    {
        using var state = new EqualWeighting().CreateState(Tasks, CPU);
        using var scope = NewDisposeScope();
        Assert.Equal(4.5, state.Combine(tensor(new[] { 3f, 1.5f }), tensor(new[] { 1f, 1f })).Total.item<float>(), 5);
    }

    [Fact]
    public void UncertaintyWeighting_ValueAndGradientMatchKendallFormula()
    {
        // L = Σ_t [c_t exp(−s_t) L_t + s_t/2]; c = ½ (regression), 1 (classification).
        // ∂L/∂s_t = −c_t exp(−s_t) L_t + ½; ∂L/∂L_t = c_t exp(−s_t).
        const float s0 = 0.3f;
        using var state = new UncertaintyWeighting(initialLogVariance: s0).CreateState(Tasks, CPU);
        using var scope = NewDisposeScope();
        var losses = tensor(new[] { 2f, 0.7f }, requires_grad: true);
        var result = state.Combine(losses, tensor(new[] { 1f, 1f }));
        result.Total.backward();

        var e = Math.Exp(-s0);
        Assert.Equal((0.5 * e * 2) + (s0 / 2) + (1 * e * 0.7) + (s0 / 2), result.Total.item<float>(), 5);
        var sGrad = state.Parameters[0].grad!.data<float>().ToArray();
        Assert.Equal((-0.5 * e * 2) + 0.5, sGrad[0], 5);
        Assert.Equal((-1 * e * 0.7) + 0.5, sGrad[1], 5);
        var lGrad = losses.grad!.data<float>().ToArray();
        Assert.Equal(0.5 * e, lGrad[0], 5);
        Assert.Equal(e, lGrad[1], 5);
        Approx.Equal([0.5 * e, e], state.CurrentWeights(), 1e-6);
    }

    [Fact]
    public void UncertaintyWeighting_AbsentTaskContributesNothing()
    {
        using var state = new UncertaintyWeighting(1).CreateState(Tasks, CPU);
        using var scope = NewDisposeScope();
        var result = state.Combine(tensor(new[] { 0f, 0.7f }), tensor(new[] { 0f, 1f }));
        result.Total.backward();
        Assert.Equal(0f, state.Parameters[0].grad!.data<float>()[0]);
    }

    [Fact]
    public void FixedWeighting_NegativeOverride_Throws()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new FixedWeighting(new Dictionary<string, double> { ["a"] = -1 }));
        Assert.Contains("Task 'a': weight must be finite and >= 0. Got -1 instead.", error.Message);
    }
}
