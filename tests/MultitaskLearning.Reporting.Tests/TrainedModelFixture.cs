using MultitaskLearning.Data;
using MultitaskLearning.Models;
using MultitaskLearning.TestUtilities;
using MultitaskLearning.Training;

namespace MultitaskLearning.Reporting.Tests;

/// <summary>A small real run, shared by the tests of a class: 3 epochs of a shared-trunk model on the synthetic
/// "score" (regression) and "pass" (binary) tasks with a validation split, recording task relationships.</summary>
public sealed class TrainedModelFixture : IDisposable
{
    public TrainedModelFixture()
    {
        var data = SyntheticData.RelatedTasks(count: 240, seed: 5);
        var split = DatasetSplitter.Split(data, new SplitOptions { TrainFraction = 0.6, ValidationFraction = 0.2, Seed = 5 });
        Test = split.Test;
        var definition = MultitaskModelBuilder.FromDataset(split.Train).UseFamily(ModelFamily.SharedTrunk, new ArchitectureOptions { TrunkLayers = [8] }).Build();
        Model = new MultitaskTrainer(new TrainerOptions { Epochs = 3, BatchSize = 32, Seed = 5, RecordTaskRelationships = true }.Deterministic())
            .Fit(definition, split.Train, split.Validation);
    }

    public MultitaskModel Model { get; }

    public MultitaskDataset Test { get; }

    public void Dispose() => Model.Dispose();
}
