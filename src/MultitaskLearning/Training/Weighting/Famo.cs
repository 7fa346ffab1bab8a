using MultitaskLearning.Tasks;
using static TorchSharp.torch;

namespace MultitaskLearning.Training.Weighting;

/// <summary>
/// FAMO, Fast Adaptive Multitask Optimization of Liu et al. (NeurIPS 2023). Task logits ξ give z = softmax(ξ); each step
/// the loss weights are w_t = c · z_t / L_t with c = (Σ_i z_i / L_i)⁻¹, so the update follows c Σ_t z_t ∇ log L_t.
/// Before each step the logits learn from the improvement δ_t = log L_t(previous step) − log L_t(this step):
/// ξ ← ξ − β (−J_zᵀ δ + γ ξ), J_z = diag(z) − z zᵀ, which raises the weight of tasks that improved least. The paper
/// measures δ on the batch just trained on; here it is measured across consecutive batches (no extra forward pass),
/// which adds batch noise to δ but keeps FAMO's O(1) cost per step. Tasks absent from either batch are left out of δ.
/// </summary>
public sealed class Famo : LossWeighting
{
    /// <summary>Creates the strategy.</summary>
    /// <param name="learningRate">β, the step size of the logits.</param>
    /// <param name="decay">γ, the logits' weight decay.</param>
    public Famo(double learningRate = 0.025, double decay = 0.001)
    {
        if (!double.IsFinite(learningRate) || learningRate <= 0 || !double.IsFinite(decay) || decay < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), $"FAMO needs β > 0 and γ >= 0. Got β = {learningRate}, γ = {decay} instead.");
        }

        LearningRate = learningRate;
        Decay = decay;
    }

    /// <summary>β.</summary>
    public double LearningRate { get; }

    /// <summary>γ.</summary>
    public double Decay { get; }

    /// <inheritdoc/>
    public override string Name => "famo";

    /// <inheritdoc/>
    public override LossWeightingState CreateState(IReadOnlyList<TaskDefinition> tasks, Device device)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        return new State(tasks.Count, LearningRate, Decay, device);
    }

    private sealed class State(int taskCount, double learningRate, double decay, Device device) : LossWeightingState
    {
        private readonly double[] logits = new double[taskCount];
        private double[] lastWeights = Enumerable.Repeat(1.0, taskCount).ToArray();
        private double[]? previousLosses;

        public override WeightedLoss Combine(Tensor taskLosses, Tensor taskPresent)
        {
            var losses = taskLosses.detach().cpu().data<float>().Select(v => Math.Max(v, 1e-12)).ToArray();
            var present = taskPresent.cpu().data<float>().Select(p => p > 0).ToArray();
            if (previousLosses is not null)
            {
                UpdateLogits(losses, present);
            }

            var z = Softmax(logits);
            var active = Enumerable.Range(0, taskCount).Where(t => present[t]).ToArray();
            var c = 1 / active.Sum(t => z[t] / losses[t]);
            lastWeights = Enumerable.Range(0, taskCount).Select(t => present[t] ? c * z[t] / losses[t] : 0).ToArray();
            previousLosses = Enumerable.Range(0, taskCount).Select(t => present[t] ? (double)losses[t] : double.NaN).ToArray();
            var weights = tensor(lastWeights.Select(w => (float)w).ToArray(), device: device);
            return new WeightedLoss(taskLosses.mul(weights).sum(), weights);
        }

        public override double[] CurrentWeights() => (double[])lastWeights.Clone();

        public override IReadOnlyDictionary<string, double[]> SaveState()
        {
            var state = new Dictionary<string, double[]> { ["logits"] = (double[])logits.Clone() };
            if (previousLosses is not null)
            {
                state["previous-losses"] = (double[])previousLosses.Clone();
            }

            return state;
        }

        public override void RestoreState(IReadOnlyDictionary<string, double[]> state)
        {
            ArgumentNullException.ThrowIfNull(state);
            StateValues.Get(state, "logits", logits.Length).CopyTo(logits, 0);
            previousLosses = state.TryGetValue("previous-losses", out var losses) ? (double[])losses.Clone() : null;
        }

        private void UpdateLogits(double[] losses, bool[] present)
        {
            var z = Softmax(logits);
            var delta = Enumerable.Range(0, taskCount)
                .Select(t => present[t] && !double.IsNaN(previousLosses![t]) ? Math.Log(previousLosses[t]) - Math.Log(losses[t]) : 0).ToArray();

            // ∇_ξ (−zᵀδ) = −J_zᵀ δ with J_z = diag(z) − z zᵀ (symmetric): −(z ∘ δ − z (zᵀδ)).
            var zDelta = z.Select((v, t) => v * delta[t]).Sum();
            for (var t = 0; t < taskCount; t++)
            {
                var gradient = -((z[t] * delta[t]) - (z[t] * zDelta));
                logits[t] -= learningRate * (gradient + (decay * logits[t]));
            }
        }

        private static double[] Softmax(double[] values)
        {
            var max = values.Max();
            var exponentials = values.Select(v => Math.Exp(v - max)).ToArray();
            var sum = exponentials.Sum();
            return exponentials.Select(e => e / sum).ToArray();
        }
    }
}
