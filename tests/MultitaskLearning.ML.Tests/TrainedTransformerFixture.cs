using Microsoft.ML;
using MultitaskLearning.Models;
using MultitaskLearning.TestUtilities;
using MultitaskLearning.Training;

namespace MultitaskLearning.ML.Tests;

/// <summary>One transformer trained on 600 School students (every 20th row), shared by the tests of a class.</summary>
public sealed class TrainedTransformerFixture : IDisposable
{
    public TrainedTransformerFixture()
    {
        Context = new MLContext(seed: 1);
        Training = Context.Data.LoadFromEnumerable(Students.Load(600, step: 20));
        Test = Context.Data.LoadFromEnumerable(Students.Load(200, step: 17));
        Options = CreateOptions();
        Transformer = new MultitaskEstimator(Options).Fit(Training);
    }

    public MLContext Context { get; }

    public IDataView Training { get; }

    public IDataView Test { get; }

    public MultitaskEstimatorOptions Options { get; }

    public MultitaskTransformer Transformer { get; }

    /// <summary>Options for a small, quick, deterministic model of the three student tasks.</summary>
    public static MultitaskEstimatorOptions CreateOptions() => new()
    {
        Tasks = Students.Tasks,
        LabelColumnNames = new Dictionary<string, string> { ["score"] = "Score", ["band"] = "Band", ["girl"] = "Girl" },
        Family = ModelFamily.SharedTrunk,
        Architecture = new ArchitectureOptions { TrunkLayers = [16] },
        Trainer = new TrainerOptions { Epochs = 8, Optimizer = OptimizerKind.Adam, LearningRate = 0.01, BatchSize = 32, Seed = 1 }.Deterministic(),
    };

    public void Dispose() => Transformer.Dispose();
}
