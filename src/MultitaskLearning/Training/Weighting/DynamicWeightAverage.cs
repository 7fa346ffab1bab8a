using MultitaskLearning.Tasks;
using static TorchSharp.torch;

namespace MultitaskLearning.Training.Weighting;

/// <summary>
/// Dynamic Weight Average of Liu, Johns and Davison, "End-to-End Multi-Task Learning with Attention" (CVPR 2019):
/// for epoch k ≥ 3, w_t = T · exp(r_t/τ) / Σ_i exp(r_i/τ) with r_t = L̄_t(k−1) / L̄_t(k−2), the ratio of task t's mean
/// training losses over the two previous epochs; w_t = 1 in the first two epochs. A task whose loss falls slowly gets
/// more weight. The loss history is the state (<see cref="LossWeightingState.EndEpoch"/>).
/// </summary>
public sealed class DynamicWeightAverage : LossWeighting
{
    /// <summary>Creates the strategy.</summary>
    /// <param name="temperature">τ &gt; 0; larger is closer to equal weights.</param>
    public DynamicWeightAverage(double temperature = 2)
    {
        if (!double.IsFinite(temperature) || temperature <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, $"The DWA temperature must be finite and > 0. Got {temperature} instead.");
        }

        Temperature = temperature;
    }

    /// <summary>τ.</summary>
    public double Temperature { get; }

    /// <inheritdoc/>
    public override string Name => "dwa";

    /// <inheritdoc/>
    public override LossWeightingState CreateState(IReadOnlyList<TaskDefinition> tasks, Device device)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        return new State(tasks.Count, Temperature, device);
    }

    /// <summary>The DWA weights from the last two epochs' mean losses (1 for tasks without a finite ratio).</summary>
    /// <param name="previous">L̄(k−2).</param>
    /// <param name="last">L̄(k−1).</param>
    /// <param name="temperature">τ.</param>
    /// <returns>T weights summing to T.</returns>
    public static double[] Weights(IReadOnlyList<double> previous, IReadOnlyList<double> last, double temperature)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(last);
        var count = last.Count;
        var ratios = Enumerable.Range(0, count).Select(t => last[t] / previous[t]).Select(r => double.IsFinite(r) ? r : 1).ToArray();
        var exponentials = ratios.Select(r => Math.Exp(r / temperature)).ToArray();
        var sum = exponentials.Sum();
        return exponentials.Select(e => count * e / sum).ToArray();
    }

    private sealed class State(int taskCount, double temperature, Device device) : LossWeightingState
    {
        private readonly List<double[]> history = [];
        private double[] weights = Enumerable.Repeat(1.0, taskCount).ToArray();
        private Tensor weightTensor = ones(taskCount, device: device);

        public override WeightedLoss Combine(Tensor taskLosses, Tensor taskPresent) => new(taskLosses.mul(weightTensor).sum(), weightTensor.alias());

        public override void EndEpoch(IReadOnlyList<double> epochTaskLosses)
        {
            history.Add([.. epochTaskLosses]);
            if (history.Count < 2)
            {
                return;
            }

            weights = Weights(history[^2], history[^1], temperature);
            weightTensor.Dispose();
            weightTensor = tensor(weights.Select(w => (float)w).ToArray(), device: device);
        }

        public override double[] CurrentWeights() => (double[])weights.Clone();

        public override IReadOnlyDictionary<string, double[]> SaveState() =>
            history.Select((losses, epoch) => (Key: $"epoch-{epoch}", Value: (double[])losses.Clone())).ToDictionary(x => x.Key, x => x.Value);

        public override void RestoreState(IReadOnlyDictionary<string, double[]> state)
        {
            ArgumentNullException.ThrowIfNull(state);
            var epochs = state.Keys.Select(k => k.StartsWith("epoch-", StringComparison.Ordinal) && int.TryParse(k.AsSpan("epoch-".Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var epoch)
                ? epoch
                : throw new InvalidDataException($"DWA state entry '{k}' is not 'epoch-N'.")).Order().ToArray();
            history.Clear();
            weights = Enumerable.Repeat(1.0, taskCount).ToArray();
            weightTensor.Dispose();
            weightTensor = ones(taskCount, device: device);
            foreach (var epoch in epochs)
            {
                EndEpoch(state[$"epoch-{epoch}"]);
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                weightTensor.Dispose();
            }
        }
    }
}
