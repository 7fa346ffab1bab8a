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

    [Fact]
    public void DynamicWeightAverage_UsesTheLossRatiosOfTheLastTwoEpochs()
    {
        // Epoch losses (1, 1) then (0.5, 1): r = (0.5, 1); τ = 2: w = 2·(e^0.25, e^0.5)/(e^0.25 + e^0.5) = (0.8756, 1.1244).
        using var state = new DynamicWeightAverage(2).CreateState(Tasks, CPU);
        Assert.Equal([1.0, 1.0], state.CurrentWeights());
        state.EndEpoch([1, 1]);
        Assert.Equal([1.0, 1.0], state.CurrentWeights());
        state.EndEpoch([0.5, 1]);
        Approx.Equal([0.87564, 1.12436], state.CurrentWeights(), 1e-5);
        using var scope = NewDisposeScope();
        Assert.Equal((0.87564 * 2) + (1.12436 * 3), state.Combine(tensor(new[] { 2f, 3f }), tensor(new[] { 1f, 1f })).Total.item<float>(), 4);
    }

    [Fact]
    public void RandomLossWeighting_DrawsSeededSoftmaxWeights()
    {
        using var first = new RandomLossWeighting(seed: 4).CreateState(Tasks, CPU);
        using var second = new RandomLossWeighting(seed: 4).CreateState(Tasks, CPU);
        using var scope = NewDisposeScope();
        var sums = new double[2];
        const int draws = 2000;
        for (var i = 0; i < draws; i++)
        {
            var a = first.Combine(tensor(new[] { 1f, 1f }), tensor(new[] { 1f, 1f }));
            second.Combine(tensor(new[] { 1f, 1f }), tensor(new[] { 1f, 1f }));
            Assert.Equal(first.CurrentWeights(), second.CurrentWeights());
            Assert.Equal(1.0, first.CurrentWeights().Sum(), 6);
            Assert.Equal(1.0, a.Total.item<float>(), 5); // Σ w_t · 1
            sums[0] += first.CurrentWeights()[0];
            sums[1] += first.CurrentWeights()[1];
        }

        // By symmetry each weight averages 1/2 (standard error about 0.005 here).
        Assert.InRange(sums[0] / draws, 0.47, 0.53);
    }

    [Fact]
    public void GeometricLoss_IsTheGeometricMeanOfPresentTasks()
    {
        using var state = new GeometricLossWeighting().CreateState([.. Tasks, TaskDefinition.Regression("c")], CPU);
        using var scope = NewDisposeScope();
        var losses = tensor(new[] { 2f, 8f, 5f }, requires_grad: true);
        var result = state.Combine(losses, tensor(new[] { 1f, 1f, 0f }));
        result.Total.backward();

        // √(2·8) = 4; ∂/∂L_1 = 4/(2·2) = 1, ∂/∂L_2 = 4/(2·8) = 0.25; the absent task gets nothing.
        Assert.Equal(4, result.Total.item<float>(), 5);
        Approx.Equal([1, 0.25, 0], losses.grad!.data<float>().Select(v => (double)v).ToArray(), 1e-6);
        Approx.Equal([1, 0.25, 0], state.CurrentWeights(), 1e-6);
    }

    [Fact]
    public void GradNorm_WeightGradientMatchesTheHandComputation()
    {
        // Shared W (2 × 2); L_1 = Σ W∘A (∇ = A, ‖A‖ = 1), L_2 = 3 Σ W∘B (∇ = 3B, ‖3B‖ = 3√2). First step: L̃ = r = (1, 1),
        // w = (1, 1): G = (1, 4.2426), Ḡ = 2.6213 = target for both; ∂/∂w_t |w_t n_t − target| = sign(G_t − target)·n_t = (−1, 4.2426).
        using var scope = NewDisposeScope();
        var shared = new TorchSharp.Modules.Parameter(ones(2, 2));
        var a = tensor(new float[,] { { 1, 0 }, { 0, 0 } });
        var b = tensor(new float[,] { { 0, 1 }, { 1, 0 } });
        var losses = stack([(shared * a).sum(), 3 * (shared * b).sum()]);
        using var state = new GradNorm(alpha: 1.5).CreateState(Tasks, CPU);
        state.Attach([shared]);
        var result = state.Combine(losses, tensor(new[] { 1f, 1f }));
        Approx.Equal([-1, 3 * Math.Sqrt(2)], state.Parameters[0].grad!.data<float>().Select(v => (double)v).ToArray(), 1e-5);
        Assert.Equal(1 + 6, result.Total.item<float>(), 5);
        Assert.Throws<ArgumentException>(() => new GradNorm().CreateState(Tasks, CPU).Attach([]));
    }

    [Fact]
    public void Famo_WeightsAndLogitUpdateMatchTheHandComputation()
    {
        // Step 1, ξ = 0, z = (½, ½), L = (1, 4): c = 1/(½/1 + ½/4) = 1.6, w = (1.6·½/1, 1.6·½/4) = (0.8, 0.2).
        using var state = new Famo(learningRate: 0.025, decay: 0.001).CreateState(Tasks, CPU);
        using var scope = NewDisposeScope();
        state.Combine(tensor(new[] { 1f, 4f }), tensor(new[] { 1f, 1f }));
        Approx.Equal([0.8, 0.2], state.CurrentWeights(), 1e-6);

        // Step 2, L = (0.5, 4): δ = (ln 2, 0); ∇ = −(z∘δ − z zᵀδ) = (−0.17329, 0.17329); ξ = −0.025 ∇ = (0.0043322, −0.0043322);
        // z = softmax(ξ) = (0.5021661, 0.4978339); c = 1/(z1/0.5 + z2/4); w = c·z/L.
        state.Combine(tensor(new[] { 0.5f, 4f }), tensor(new[] { 1f, 1f }));
        var z1 = 1 / (1 + Math.Exp(-2 * 0.025 * 0.25 * Math.Log(2)));
        var z2 = 1 - z1;
        var c = 1 / ((z1 / 0.5) + (z2 / 4));
        Approx.Equal([c * z1 / 0.5, c * z2 / 4], state.CurrentWeights(), 1e-6);
    }

    [Fact]
    public void StatefulWeightings_SaveAndRestoreTheirState()
    {
        using var dwa = new DynamicWeightAverage(2).CreateState(Tasks, CPU);
        dwa.EndEpoch([1, 1]);
        dwa.EndEpoch([0.5, 1]);
        using var restored = new DynamicWeightAverage(2).CreateState(Tasks, CPU);
        restored.RestoreState(dwa.SaveState());
        Assert.Equal(dwa.CurrentWeights(), restored.CurrentWeights());

        using var famo = new Famo().CreateState(Tasks, CPU);
        using var scope = NewDisposeScope();
        famo.Combine(tensor(new[] { 1f, 4f }), tensor(new[] { 1f, 1f }));
        famo.Combine(tensor(new[] { 0.5f, 4f }), tensor(new[] { 1f, 1f }));
        using var famoRestored = new Famo().CreateState(Tasks, CPU);
        famoRestored.RestoreState(famo.SaveState());
        famo.Combine(tensor(new[] { 0.4f, 3f }), tensor(new[] { 1f, 1f }));
        famoRestored.Combine(tensor(new[] { 0.4f, 3f }), tensor(new[] { 1f, 1f }));
        Assert.Equal(famo.CurrentWeights(), famoRestored.CurrentWeights());
    }
}
