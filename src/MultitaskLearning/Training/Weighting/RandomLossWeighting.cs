using MultitaskLearning.Tasks;
using static TorchSharp.torch;

namespace MultitaskLearning.Training.Weighting;

/// <summary>
/// Random Loss Weighting of Lin et al., "Reasonable Effectiveness of Random Weighting: A Litmus Test for Multi-Task
/// Learning" (TMLR 2022; arXiv 2021): every step draws z ~ N(0, I_T) and weights the losses by w = softmax(z),
/// L = Σ_t w_t L_t. Seeded, so a run is reproducible.
/// </summary>
public sealed class RandomLossWeighting : LossWeighting
{
    /// <summary>Creates the strategy.</summary>
    /// <param name="seed">The seed of the weight draws.</param>
    public RandomLossWeighting(int seed = 0) => Seed = seed;

    /// <summary>The seed.</summary>
    public int Seed { get; }

    /// <inheritdoc/>
    public override string Name => "rlw";

    /// <inheritdoc/>
    public override LossWeightingState CreateState(IReadOnlyList<TaskDefinition> tasks, Device device)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        return new State(tasks.Count, new Runtime.SeededRandom(Seed), device);
    }

    private sealed class State(int taskCount, Runtime.SeededRandom random, Device device) : LossWeightingState
    {
        private double[] last = Enumerable.Repeat(1.0 / taskCount, taskCount).ToArray();

        public override WeightedLoss Combine(Tensor taskLosses, Tensor taskPresent)
        {
            var z = Enumerable.Range(0, taskCount)
                .Select(_ => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())).ToArray();
            var max = z.Max();
            var exponentials = z.Select(v => Math.Exp(v - max)).ToArray();
            var sum = exponentials.Sum();
            last = exponentials.Select(e => e / sum).ToArray();
            var weights = tensor(last.Select(w => (float)w).ToArray(), device: device);
            return new WeightedLoss(taskLosses.mul(weights).sum(), weights);
        }

        public override double[] CurrentWeights() => (double[])last.Clone();

        public override IReadOnlyDictionary<string, double[]> SaveState() => new Dictionary<string, double[]>
        {
            ["random"] = random.SaveStateAsDoubles(),
            ["last"] = (double[])last.Clone(),
        };

        public override void RestoreState(IReadOnlyDictionary<string, double[]> state)
        {
            ArgumentNullException.ThrowIfNull(state);
            random.RestoreStateFromDoubles(StateValues.Get(state, "random", 8));
            last = (double[])StateValues.Get(state, "last", taskCount).Clone();
        }
    }
}
