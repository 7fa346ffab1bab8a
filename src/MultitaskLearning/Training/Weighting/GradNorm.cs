using MultitaskLearning.Tasks;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MultitaskLearning.Training.Weighting;

/// <summary>
/// GradNorm of Chen et al., "GradNorm: Gradient Normalization for Adaptive Loss Balancing in Deep Multitask Networks"
/// (ICML 2018). Learnable weights w_t (starting at 1) make the norms G_t = ‖∇_W w_t L_t‖ of the task gradients at the
/// last shared layer W approach Ḡ · r_t^α, where Ḡ is their mean, r_t = L̃_t / mean(L̃) and L̃_t = L_t / L_t(0) the
/// loss relative to its first value: the weights follow ∇_w Σ_t |G_t − Ḡ r_t^α| (target held constant), the network
/// follows Σ_t w_t L_t, and the weights are renormalised to Σ_t w_t = T before each step. The weights are optimised
/// with the model's optimiser and learning rate. Needs a model with shared parameters.
/// </summary>
public sealed class GradNorm : LossWeighting
{
    /// <summary>Creates the strategy.</summary>
    /// <param name="alpha">The restoring-force strength α ≥ 0 (0 equalises gradient norms).</param>
    public GradNorm(double alpha = 1.5)
    {
        if (!double.IsFinite(alpha) || alpha < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, $"GradNorm's alpha must be finite and >= 0. Got {alpha} instead.");
        }

        Alpha = alpha;
    }

    /// <summary>α.</summary>
    public double Alpha { get; }

    /// <inheritdoc/>
    public override string Name => "gradnorm";

    /// <inheritdoc/>
    public override LossWeightingState CreateState(IReadOnlyList<TaskDefinition> tasks, Device device)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        return new State(tasks.Count, Alpha, device);
    }

    private sealed class State(int taskCount, double alpha, Device device) : LossWeightingState
    {
        private readonly Parameter weights = new(ones(taskCount, device: device));
        private readonly double[] initialLosses = Enumerable.Repeat(double.NaN, taskCount).ToArray();
        private Parameter? layer;

        public override IReadOnlyList<Parameter> Parameters => [weights];

        public override void Attach(IReadOnlyList<Parameter> sharedParameters)
        {
            layer = sharedParameters.LastOrDefault(p => p.dim() == 2)
                ?? throw new ArgumentException("GradNorm needs a shared layer (a weight matrix shared by all tasks); a task-specific model has none.");
        }

        public override WeightedLoss Combine(Tensor taskLosses, Tensor taskPresent)
        {
            var shared = layer ?? throw new InvalidOperationException("GradNorm is not attached to the model's shared parameters.");
            using (no_grad())
            {
                weights.clamp_min_(1e-6);
                weights.mul_(taskCount / weights.sum().item<float>());
            }

            var losses = taskLosses.detach().cpu().data<float>().ToArray();
            var present = taskPresent.cpu().data<float>().ToArray();
            var tasks = Enumerable.Range(0, taskCount).Where(t => present[t] > 0).ToArray();
            var norms = new double[taskCount];
            foreach (var t in tasks)
            {
                if (double.IsNaN(initialLosses[t]))
                {
                    initialLosses[t] = Math.Max(losses[t], 1e-12);
                }

                var gradient = autograd.grad([taskLosses[t]], [shared], retain_graph: true, allow_unused: true)[0];
                norms[t] = gradient is null || gradient.IsInvalid ? 0 : gradient.norm().item<float>();
            }

            if (tasks.Length > 0)
            {
                var current = weights.detach().cpu().data<float>().ToArray();
                var meanNorm = tasks.Average(t => current[t] * norms[t]);
                var relative = tasks.ToDictionary(t => t, t => losses[t] / initialLosses[t]);
                var meanRelative = relative.Values.Average();
                var gradientOfWeights = new float[taskCount];
                foreach (var t in tasks)
                {
                    var target = meanNorm * Math.Pow(relative[t] / meanRelative, alpha);
                    gradientOfWeights[t] = (float)(Math.Sign((current[t] * norms[t]) - target) * norms[t]);
                }

                // The weights' own gradient; the network's loss below uses them detached.
                weights.grad = tensor(gradientOfWeights, device: device);
            }

            var fixedWeights = weights.detach();
            return new WeightedLoss(taskLosses.mul(fixedWeights).sum(), fixedWeights);
        }

        public override IReadOnlyDictionary<string, double[]> SaveState() =>
            new Dictionary<string, double[]> { ["initial-losses"] = (double[])initialLosses.Clone() };

        public override void RestoreState(IReadOnlyDictionary<string, double[]> state)
        {
            ArgumentNullException.ThrowIfNull(state);
            StateValues.Get(state, "initial-losses", initialLosses.Length).CopyTo(initialLosses, 0);
        }

        public override double[] CurrentWeights()
        {
            using var scope = NewDisposeScope();
            return weights.detach().cpu().data<float>().Select(w => (double)w).ToArray();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                weights.Dispose();
            }
        }
    }
}
