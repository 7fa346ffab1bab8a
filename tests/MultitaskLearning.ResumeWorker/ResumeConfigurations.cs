using MultitaskLearning.Data;
using MultitaskLearning.Models;
using MultitaskLearning.TestUtilities;
using MultitaskLearning.Training;
using MultitaskLearning.Training.Aggregation;
using MultitaskLearning.Training.Weighting;

namespace MultitaskLearning.ResumeWorker;

/// <summary>The training configurations of the kill-and-resume test: both engines, SGD with momentum and Adam, stateful
/// loss weightings (DWA, GradNorm) and a stateful aggregator (GradVac), dropout (libtorch's generator) and early
/// stopping with restore-best.</summary>
public static class ResumeConfigurations
{
    /// <summary>The configurations by name.</summary>
    public static IReadOnlyDictionary<string, ResumeConfiguration> All { get; } = new Dictionary<string, ResumeConfiguration>(StringComparer.Ordinal)
    {
        // The fused engine is fast: a wider trunk and more samples make an epoch long enough to be killed in the middle.
        ["fused-sgd-gradvac"] = new(ModelFamily.SharedTrunk, new ArchitectureOptions { TrunkLayers = [512, 512] }, 10000, () => new TrainerOptions
        {
            Engine = TrainingEngine.Fused, Epochs = 6, BatchSize = 16, LearningRate = 0.02, Momentum = 0.9, GradientAggregator = new GradVac(0.1),
        }),
        ["autograd-sgd-dwa-gradvac"] = new(ModelFamily.Hybrid, new ArchitectureOptions { TrunkLayers = [64, 32], TowerLayers = [16] }, 6000, () => new TrainerOptions
        {
            Engine = TrainingEngine.Autograd, Epochs = 6, BatchSize = 16, LearningRate = 0.02, Momentum = 0.9, Nesterov = true,
            LossWeighting = new DynamicWeightAverage(), GradientAggregator = new GradVac(0.1), Schedule = LearningRateSchedule.Cosine,
        }),
        ["autograd-adam-gradnorm-dropout"] = new(ModelFamily.SharedTrunk, new ArchitectureOptions { TrunkLayers = [64, 32], Dropout = 0.2 }, 6000, () => new TrainerOptions
        {
            Engine = TrainingEngine.Autograd, Epochs = 6, BatchSize = 16, Optimizer = OptimizerKind.Adam, LearningRate = 0.002,
            LossWeighting = new GradNorm(), Schedule = LearningRateSchedule.Step, StepSize = 2, StepGamma = 0.5,
            EarlyStopping = new EarlyStoppingOptions { Patience = 50, RestoreBest = true },
        }),
    };

    /// <summary>A configuration by name.</summary>
    public static ResumeConfiguration Get(string name) => All.TryGetValue(name, out var configuration)
        ? configuration
        : throw new ArgumentException($"Unknown configuration '{name}'. Known: {string.Join(", ", All.Keys)}.");

    /// <summary>The configuration's data: seeded samples of two related tasks with missing labels.</summary>
    public static DatasetSplit Data(ResumeConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var data = SyntheticData.RelatedTasks(count: configuration.Samples, features: 40, seed: 5);
        return DatasetSplitter.Split(data, new SplitOptions { TrainFraction = 0.8, ValidationFraction = 0.2, Seed = 1 });
    }

    /// <summary>Writes every parameter's bytes and every epoch's losses to a file, for exact comparison.</summary>
    public static void WriteResult(MultitaskModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var writer = new BinaryWriter(File.Create(path));
        foreach (var (name, parameter) in model.Network.named_parameters())
        {
            writer.Write(name);
            foreach (var value in parameter.detach().cpu().data<float>().ToArray())
            {
                writer.Write(value);
            }
        }

        foreach (var epoch in model.TrainingHistory!.Epochs)
        {
            writer.Write(epoch.Epoch);
            writer.Write(epoch.TrainingLoss);
            writer.Write(epoch.ValidationLoss ?? double.NaN);
            writer.Write(epoch.LearningRate);
            writer.Write(epoch.Steps);
        }
    }
}

/// <summary>One configuration of the kill-and-resume test.</summary>
/// <param name="Family">The model family.</param>
/// <param name="Architecture">The architecture.</param>
/// <param name="Samples">Samples of the synthetic data.</param>
/// <param name="Options">Makes the trainer options (a fresh object each time: aggregators hold state).</param>
public sealed record ResumeConfiguration(ModelFamily Family, ArchitectureOptions Architecture, int Samples, Func<TrainerOptions> Options);
