using MultitaskLearning.Data;
using MultitaskLearning.Models;
using MultitaskLearning.Tasks;
using MultitaskLearning.TestUtilities;
using MultitaskLearning.Training;
using Xunit;

namespace MultitaskLearning.Tests.Models;

public sealed class ConvolutionalEncoderTests
{
    [Theory]
    [InlineData(ModelFamily.SharedTrunk)]
    [InlineData(ModelFamily.TaskSpecific)]
    [InlineData(ModelFamily.Hybrid)]
    public void Fit_ImageInput_LearnsAndRoundTrips(ModelFamily family)
    {
        var split = DatasetSplitter.Split(SyntheticData.Quadrants(count: 300), new SplitOptions { Seed = 2 });
        var definition = MultitaskModelBuilder.FromDataset(split.Train, i => i with { Encoder = EncoderKind.Convolutional, ConvolutionChannels = [8, 8], EncoderLayers = [16], Standardize = false })
            .UseFamily(family, new ArchitectureOptions { TrunkLayers = [16], TowerLayers = [8] })
            .Build();
        Assert.Equal(8 * 2 * 2, definition.Inputs[0].ConvolvedSize);
        using var model = new MultitaskTrainer(new TrainerOptions { Epochs = 25, Optimizer = OptimizerKind.Adam, LearningRate = 0.01, Seed = 1 }.Deterministic()).Fit(definition, split.Train);
        var report = model.Evaluate(split.Test);
        Assert.True(report["quadrant"][MetricKind.Accuracy] > 0.9, report.ToString());

        var path = Path.Combine(Path.GetTempPath(), $"conv-{Guid.NewGuid():N}.mtl");
        try
        {
            model.Save(path);
            using var loaded = MultitaskModel.Load(path);
            Assert.Equal(EncoderKind.Convolutional, loaded.Definition.Inputs[0].Encoder);
            Assert.Equal(report["quadrant"][MetricKind.Accuracy], loaded.Evaluate(split.Test)["quadrant"][MetricKind.Accuracy], 6);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Build_ConvolutionOnVectors_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => new MultitaskModelBuilder()
            .AddInput(new InputDefinition("x", 10) { Encoder = EncoderKind.Convolutional })
            .AddTask(TaskDefinition.Regression("y"))
            .Build());
        Assert.Contains("Input 'x': a convolutional encoder needs samples of shape [C, H, W] or [C, L]; got [10].", error.Message);
    }
}
