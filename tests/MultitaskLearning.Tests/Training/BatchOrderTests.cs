using MultitaskLearning.Models;
using MultitaskLearning.TestUtilities;
using MultitaskLearning.Training;
using Xunit;

namespace MultitaskLearning.Tests.Training;

/// <summary>Shuffle = false keeps the data's order; DropLastPartialBatch skips the short last batch (PyTorch's drop_last).</summary>
public sealed class BatchOrderTests
{
    [Theory]
    [InlineData(false, 4)] // 100 rows, batch 32: 3 whole batches + 4 rows
    [InlineData(true, 3)]
    public void StepsPerEpoch_FollowDropLast(bool dropLast, int steps)
    {
        var data = SyntheticData.Argmax(count: 100);
        var definition = MultitaskModelBuilder.FromDataset(data).UseFamily(ModelFamily.SharedTrunk, new ArchitectureOptions { TrunkLayers = [4] }).Build();
        using var model = new MultitaskTrainer(new TrainerOptions { Epochs = 2, BatchSize = 32, DropLastPartialBatch = dropLast }.Deterministic()).Fit(definition, data);
        Assert.Equal(2 * steps, model.TrainingHistory!.Epochs[^1].Steps);
    }

    [Fact]
    public void WithoutShuffle_TwoRunsWithDifferentSeedsButEqualWeights_TrainAlike()
    {
        // The seed drives both initialisation and shuffling; with Shuffle off, only initialisation differs, so a model
        // that starts from the same weights (Fit on a copy of a model) ends identical whatever the seed.
        var data = SyntheticData.Argmax(count: 90);
        var definition = MultitaskModelBuilder.FromDataset(data).UseFamily(ModelFamily.SharedTrunk, new ArchitectureOptions { TrunkLayers = [4] }).Build();
        using var start = new MultitaskTrainer(new TrainerOptions { Epochs = 1, Seed = 1 }.Deterministic()).Fit(definition, data);
        TrainerOptions Options(int seed, bool shuffle) => new TrainerOptions { Epochs = 3, BatchSize = 16, Seed = seed, Shuffle = shuffle, Engine = TrainingEngine.Autograd }.Deterministic();
        using var a = new MultitaskTrainer(Options(2, shuffle: false)).Fit(start, data);
        using var b = new MultitaskTrainer(Options(3, shuffle: false)).Fit(start, data);
        using var c = new MultitaskTrainer(Options(3, shuffle: true)).Fit(start, data);
        Assert.Equal(a.TrainingHistory!.Epochs[^1].TrainingLoss, b.TrainingHistory!.Epochs[^1].TrainingLoss, 6);
        Assert.NotEqual(a.TrainingHistory!.Epochs[^1].TrainingLoss, c.TrainingHistory!.Epochs[^1].TrainingLoss, 6);
    }
}
