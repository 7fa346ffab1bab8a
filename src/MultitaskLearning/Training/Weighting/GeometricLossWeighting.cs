using MultitaskLearning.Tasks;
using static TorchSharp.torch;

namespace MultitaskLearning.Training.Weighting;

/// <summary>
/// Geometric loss strategy (GLS) of Chennupati et al., "MultiNet++" (CVPR Workshops 2019): L = (Π_t L_t)^(1/n), the
/// geometric mean of the losses of the n tasks present in the batch, computed as exp(mean log L_t). Its effective
/// weights ∂L/∂L_t = L / (n L_t) favour tasks with small losses, which makes it insensitive to the scale of each loss.
/// </summary>
public sealed class GeometricLossWeighting : LossWeighting
{
    /// <inheritdoc/>
    public override string Name => "gls";

    /// <inheritdoc/>
    public override LossWeightingState CreateState(IReadOnlyList<TaskDefinition> tasks, Device device)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        return new State(tasks.Count);
    }

    private sealed class State(int taskCount) : LossWeightingState
    {
        private double[] last = Enumerable.Repeat(1.0, taskCount).ToArray();

        public override WeightedLoss Combine(Tensor taskLosses, Tensor taskPresent)
        {
            var count = taskPresent.sum().clamp_min(1);
            var total = (taskLosses.clamp_min(1e-12).log() * taskPresent).sum().div(count).exp();
            var weights = (total.detach() / (count * taskLosses.detach().clamp_min(1e-12))) * taskPresent;
            last = weights.cpu().data<float>().Select(w => (double)w).ToArray();
            return new WeightedLoss(total, weights);
        }

        public override double[] CurrentWeights() => (double[])last.Clone();
    }
}
