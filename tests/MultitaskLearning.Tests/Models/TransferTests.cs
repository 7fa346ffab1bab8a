using MultitaskLearning.Data;
using MultitaskLearning.Models;
using MultitaskLearning.Tasks;
using MultitaskLearning.TestUtilities;
using MultitaskLearning.Training;
using Xunit;

namespace MultitaskLearning.Tests.Models;

/// <summary>A trained model takes a new task: its head is trained on a frozen trunk, and nothing else changes.</summary>
public sealed class TransferTests
{
    [Theory]
    [InlineData(ModelFamily.SharedTrunk)]
    [InlineData(ModelFamily.Hybrid)]
    [InlineData(ModelFamily.Mmoe)]
    [InlineData(ModelFamily.Cgc)]
    public void WithAddedTask_FrozenTrunk_TrainsOnlyTheNewHead(ModelFamily family)
    {
        var data = SyntheticData.RelatedTasks(count: 300, seed: 21, missingFraction: 0);
        var scoreOnly = Only(data, "score");
        var definition = MultitaskModelBuilder.FromDataset(scoreOnly).UseFamily(family, new ArchitectureOptions { TrunkLayers = [16], TowerLayers = [8] }).Build();
        using var trained = new MultitaskTrainer(new TrainerOptions { Epochs = 30, LearningRate = 0.05, Seed = 1 }.Deterministic()).Fit(definition, scoreOnly);

        using var extended = trained.WithAddedTask(TaskDefinition.Binary("pass", "no", "yes"));
        Assert.Equal(2, extended.Definition.TaskBlocks.Count);
        var passOnly = Only(data, "pass");
        var options = new TrainerOptions { Epochs = 30, LearningRate = 0.05, SharedLearningRateFactor = 0, TrainableTasks = ["pass"], Seed = 2 }.Deterministic();
        using var transferred = new MultitaskTrainer(options).Fit(extended, passOnly);

        AssertSameValues(trained.Network.SharedParameters(), transferred.Network.SharedParameters());
        AssertSameValues(trained.Network.TaskParameters("score"), transferred.Network.TaskParameters("score"));
        Assert.True(transferred.Evaluate(passOnly)["pass"][MetricKind.Accuracy] > 0.85);
        // Same parameters; the larger network may order floating-point work differently, so compare to float rounding.
        Approx.Equal(
            trained.Predict(scoreOnly)["score"].Scores.Select(v => (double)v).ToArray(),
            transferred.Predict(scoreOnly)["score"].Scores.Select(v => (double)v).ToArray(),
            1e-4);
    }

    [Fact]
    public void TrainableTasks_SplittingABlock_IsRejected()
    {
        var regressionPair = new MultitaskDatasetBuilder([TaskDefinition.Regression("a"), TaskDefinition.Regression("b")])
            .AddSamples("x", new float[,] { { 1 }, { 2 } }, new Dictionary<string, LabelColumn> { ["a"] = LabelColumn.FromValues([1.0, 2.0]), ["b"] = LabelColumn.FromValues([2.0, 1.0]) })
            .Build();
        var definition = MultitaskModelBuilder.FromDataset(regressionPair).Build();
        var error = Assert.Throws<ArgumentException>(() => new MultitaskTrainer(new TrainerOptions { TrainableTasks = ["a"] }.Deterministic()).Fit(definition, regressionPair));
        Assert.Contains("share one parameter block", error.Message);
    }

    [Fact]
    public void WithAddedTask_TaskSpecificModel_Throws()
    {
        var data = SyntheticData.RelatedTasks(count: 50, seed: 1);
        var definition = MultitaskModelBuilder.FromDataset(data).UseFamily(ModelFamily.TaskSpecific).Build();
        using var model = new MultitaskTrainer(new TrainerOptions { Epochs = 1 }.Deterministic()).Fit(definition, data);
        Assert.Throws<InvalidOperationException>(() => model.WithAddedTask(TaskDefinition.Regression("new")));
    }

    private static MultitaskDataset Only(MultitaskDataset data, string task)
    {
        var targets = data.GetTargets(task);
        var table = data.Inputs["features"];
        var x = new float[table.Count, table.SampleSize];
        Buffer.BlockCopy(table.Values.ToArray(), 0, x, 0, table.Count * table.SampleSize * sizeof(float));
        var column = targets.Task.Kind == TaskKind.Regression
            ? LabelColumn.FromValues(Enumerable.Range(0, targets.Count).Select(i => (double?)targets.Values.Span[i]).ToArray())
            : LabelColumn.FromClassIndices(Enumerable.Range(0, targets.Count).Select(i => (int?)targets.Values.Span[i]).ToArray());
        return new MultitaskDatasetBuilder([targets.Task]).AddSamples("features", x, new Dictionary<string, LabelColumn> { [task] = column }).Build();
    }

    private static void AssertSameValues(IReadOnlyList<TorchSharp.Modules.Parameter> expected, IReadOnlyList<TorchSharp.Modules.Parameter> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].data<float>().ToArray(), actual[i].data<float>().ToArray());
        }
    }
}
