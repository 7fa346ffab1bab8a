using MultitaskLearning.Tasks;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MultitaskLearning.Training.Weighting;

/// <summary>
/// Homoscedastic uncertainty weighting of Kendall, Gal and Cipolla, "Multi-Task Learning Using Uncertainty to Weigh
/// Losses for Scene Geometry and Semantics" (CVPR 2018). Each task has a learnable s_t = log σ_t², optimised with the model:
/// L = Σ_t [ c_t · exp(−s_t) · L_t + s_t / 2 ], with c_t = ½ for regression tasks (Gaussian likelihood) and c_t = 1 for
/// classification tasks (softmax likelihood). The effective weight of task t is c_t · exp(−s_t); tasks absent from a
/// batch contribute nothing, not even their s_t term.
/// </summary>
public sealed class UncertaintyWeighting : LossWeighting
{
    /// <summary>Creates the strategy.</summary>
    /// <param name="initialLogVariance">Starting value of every s_t = log σ_t² (0 means σ = 1).</param>
    public UncertaintyWeighting(double initialLogVariance = 0)
    {
        if (!double.IsFinite(initialLogVariance))
        {
            throw new ArgumentOutOfRangeException(nameof(initialLogVariance), initialLogVariance, "The initial log-variance must be finite.");
        }

        InitialLogVariance = initialLogVariance;
    }

    /// <summary>Starting value of every s_t.</summary>
    public double InitialLogVariance { get; }

    /// <inheritdoc/>
    public override string Name => "uncertainty";

    /// <inheritdoc/>
    public override LossWeightingState CreateState(IReadOnlyList<TaskDefinition> tasks, Device device)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        return new State(tasks.Select(t => t.Kind == TaskKind.Regression ? 0.5f : 1f).ToArray(), (float)InitialLogVariance, device);
    }

    private sealed class State : LossWeightingState
    {
        private readonly Parameter logVariance;
        private readonly Tensor factors;

        public State(float[] factors, float initial, Device device)
        {
            this.factors = tensor(factors, device: device);
            logVariance = new Parameter(full(factors.Length, initial, device: device));
        }

        public override IReadOnlyList<Parameter> Parameters => [logVariance];

        public override WeightedLoss Combine(Tensor taskLosses, Tensor taskPresent)
        {
            var weights = factors * logVariance.neg().exp();
            var total = ((weights * taskLosses) + (0.5f * logVariance)).mul(taskPresent).sum();
            return new WeightedLoss(total, weights.detach());
        }

        public override double[] CurrentWeights()
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            return (factors * logVariance.neg().exp()).cpu().data<float>().Select(w => (double)w).ToArray();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                logVariance.Dispose();
                factors.Dispose();
            }
        }
    }
}
