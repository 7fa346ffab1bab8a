using MultitaskLearning.Data;
using MultitaskLearning.Models;
using MultitaskLearning.Tasks;
using MultitaskLearning.TestUtilities;
using MultitaskLearning.Training;
using Xunit;

namespace MultitaskLearning.Tests.Data;

public sealed class FeatureStatisticsTests
{
    private static MultitaskDataset Table(float[,] x) => new MultitaskDatasetBuilder([TaskDefinition.Regression("y")])
        .AddSamples("x", x, new Dictionary<string, LabelColumn> { ["y"] = LabelColumn.FromValues(Enumerable.Range(0, x.GetLength(0)).Select(i => (double)i).ToArray()) })
        .Build();

    [Fact]
    public void Compute_StandardisesAndKeepsConstantColumnsAtZero()
    {
        var stats = FeatureStatistics.Compute(Table(new float[,] { { 1, 5 }, { 3, 5 } }).Inputs["x"], standardize: true, MissingValuePolicy.Error);
        Assert.Equal([2f, 5f], stats.Mean);
        Assert.Equal([1f, 1f], stats.Scale);
        var values = new float[] { 3, 5, 1, 7 };
        stats.ApplyInPlace(values);
        Assert.Equal([1f, 0f, -1f, 2f], values);
    }

    [Fact]
    public void Compute_MissingValueWithErrorPolicy_NamesRowAndFeature()
    {
        var error = Assert.Throws<InvalidDataException>(() =>
            FeatureStatistics.Compute(Table(new float[,] { { 1, 2 }, { 3, float.NaN } }).Inputs["x"], true, MissingValuePolicy.Error));
        Assert.StartsWith("Input 'x', row 1, feature 1: the value is missing (NaN).", error.Message);
    }

    [Theory]
    [InlineData(MissingValuePolicy.Mean, 4f)]
    [InlineData(MissingValuePolicy.Median, 2f)]
    public void Compute_Imputation_UsesTrainingRowStatistic(MissingValuePolicy policy, float fill)
    {
        // Observed values 1, 2, 9: mean 4, median 2.
        var stats = FeatureStatistics.Compute(Table(new float[,] { { 1 }, { 2 }, { 9 }, { float.NaN } }).Inputs["x"], standardize: false, policy);
        Assert.Equal(fill, stats.Fill[0]);
        var values = new[] { float.NaN };
        stats.ApplyInPlace(values);
        Assert.Equal(fill, values[0]);
    }

    [Fact]
    public void Fit_StatisticsComeFromTrainingSplitOnly()
    {
        var train = Table(new float[,] { { 0 }, { 2 } });
        var definition = MultitaskModelBuilder.FromDataset(train).UseFamily(ModelFamily.SharedTrunk, new ArchitectureOptions { TrunkLayers = [2] }).Build();
        using var model = new MultitaskTrainer(new TrainerOptions { Epochs = 1 }.Deterministic()).Fit(definition, train, Table(new float[,] { { 100 }, { 300 } }));
        Assert.Equal(1f, model.FeatureStatistics["x"].Mean[0]);
        Assert.Equal(1f, model.FeatureStatistics["x"].Scale[0]);
        Assert.Equal(0.5f, model.TargetStatistics["y"].Mean[0]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(16)]
    [InlineData(37)]
    public void ApplyInPlace_EqualsTheScalarFormulaBitForBit_WithMissingValuesAndAnyWidth(int width)
    {
        var random = new Random(width);
        float[] Values(int n, float low, float high) => Enumerable.Range(0, n).Select(_ => (float)(low + ((high - low) * random.NextDouble()))).ToArray();
        var stats = new FeatureStatistics("x", Values(width, -3, 3), Values(width, 0.1f, 5), Values(width, -1, 1));
        var values = Values(width * 9, -100, 100);
        for (var i = 0; i < values.Length; i += 5)
        {
            values[i] = float.NaN;
        }

        var expected = values.Select((v, i) =>
        {
            var j = i % width;
            var filled = float.IsNaN(v) ? stats.Fill[j] : v;
            return (filled - stats.Mean[j]) / stats.Scale[j];
        }).ToArray();
        stats.ApplyInPlace(values);
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), values.Select(BitConverter.SingleToInt32Bits));
    }
}
