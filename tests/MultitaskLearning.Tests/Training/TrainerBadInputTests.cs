using MultitaskLearning.Data;
using MultitaskLearning.Models;
using MultitaskLearning.Tasks;
using MultitaskLearning.TestUtilities;
using MultitaskLearning.Training;
using Xunit;

namespace MultitaskLearning.Tests.Training;

/// <summary>Training data that cannot train is refused before the first step, with an error naming the task.</summary>
public sealed class TrainerBadInputTests
{
    private static readonly TaskDefinition Score = TaskDefinition.Regression("score");
    private static readonly TaskDefinition Parity = TaskDefinition.Binary("parity", "even", "odd");

    /// <summary>Twelve rows on one input: score on every row, parity only on rows 0–3.</summary>
    private static MultitaskDataset Data()
    {
        const int rows = 12;
        var features = new float[rows, 2];
        var scores = new double[rows];
        var parities = new int?[rows];
        for (var i = 0; i < rows; i++)
        {
            features[i, 0] = i;
            features[i, 1] = i % 3;
            scores[i] = (0.5 * i) + 1;
            parities[i] = i < 4 ? i % 2 : null;
        }

        return new MultitaskDatasetBuilder([Score, Parity])
            .AddSamples("features", features, new Dictionary<string, LabelColumn>
            {
                ["score"] = LabelColumn.FromValues(scores),
                ["parity"] = LabelColumn.FromClassIndices(parities),
            })
            .Build();
    }

    private static MultitaskDataset Rows(MultitaskDataset data, int from, int to) =>
        data.SelectRows(new Dictionary<string, int[]> { ["features"] = Enumerable.Range(from, to - from).ToArray() });

    private static MultitaskModelDefinition Definition(MultitaskDataset data) =>
        MultitaskModelBuilder.FromDataset(data).UseFamily(ModelFamily.SharedTrunk, new ArchitectureOptions { TrunkLayers = [4], TowerLayers = [4] }).Build();

    private static TrainerOptions Options() => new TrainerOptions { Epochs = 1, BatchSize = 4, Seed = 3 }.Deterministic();

    [Fact]
    public void Fit_TaskWithoutLabelledTrainingRow_NamesTheTask()
    {
        var data = Data();
        var error = Assert.Throws<ArgumentException>(() => new MultitaskTrainer(Options()).Fit(Definition(data), Rows(data, 4, 12)));
        Assert.StartsWith("The training data has no labelled sample for task(s) 'parity' (0 of 8 rows of input 'features' labelled).", error.Message);
    }

    [Fact]
    public void Fit_EmptyTrainingData_Throws()
    {
        var data = Data();
        var error = Assert.Throws<ArgumentException>(() => new MultitaskTrainer(Options()).Fit(Definition(data), Rows(data, 0, 0)));
        Assert.StartsWith("The training data has no samples (tasks score, parity).", error.Message);
    }

    [Fact]
    public void Fit_TaskAbsentFromValidation_IsAccepted()
    {
        var data = Data();
        using var model = new MultitaskTrainer(Options()).Fit(Definition(data), Rows(data, 0, 8), Rows(data, 8, 12));
        Assert.NotNull(model.TrainingHistory);
        Assert.All(model.TrainingHistory!.Epochs, e => Assert.True(double.IsFinite(e.TrainingLoss), e.TrainingLoss.ToString()));
    }

    [Fact]
    public void Fit_PerTaskSampleSetsOnTwoInputs_IsAccepted()
    {
        var image = new float[6 * 2];
        for (var i = 0; i < image.Length; i++)
        {
            image[i] = i % 5;
        }

        var data = new MultitaskDatasetBuilder([Score, Parity])
            .AddSamples("features", new float[,] { { 1, 2 }, { 2, 1 }, { 3, 3 }, { 4, 0 } }, new Dictionary<string, LabelColumn> { ["score"] = LabelColumn.FromValues([1.0, 2.0, 3.0, 4.0]) })
            .AddSamples("image", image, [1, 1, 2], new Dictionary<string, LabelColumn> { ["parity"] = LabelColumn.FromClassIndices([0, 1, 0, 1, 0, 1]) })
            .Build();
        var definition = MultitaskModelBuilder.FromDataset(data).Build();
        using var model = new MultitaskTrainer(Options()).Fit(definition, data);
        Assert.All(model.TrainingHistory!.Epochs, e => Assert.True(double.IsFinite(e.TrainingLoss), e.TrainingLoss.ToString()));
    }
}
