using MultitaskLearning.Data;
using MultitaskLearning.Models;
using MultitaskLearning.Tasks;
using MultitaskLearning.TestUtilities;
using MultitaskLearning.Training;
using MultitaskLearning.Training.Aggregation;
using MultitaskLearning.Training.Weighting;
using Xunit;

namespace MultitaskLearning.Tests.Training;

/// <summary>Every weighting and aggregator trains a shared-trunk model inside the trainer and frees its tensors.</summary>
public sealed class StrategyTrainingTests
{
    private static readonly DatasetSplit Split = DatasetSplitter.Split(SyntheticData.RelatedTasks(count: 300, seed: 4), new SplitOptions { Seed = 1 });

    [Theory]
    [InlineData("dwa")]
    [InlineData("rlw")]
    [InlineData("gls")]
    [InlineData("gradnorm")]
    [InlineData("famo")]
    [InlineData("gradnorm+pcgrad")]
    [InlineData("mgda")]
    [InlineData("mgda-loss+")]
    [InlineData("imtl-g")]
    [InlineData("aligned-mtl")]
    [InlineData("cagrad")]
    [InlineData("gradvac")]
    [InlineData("upgrad")]
    [InlineData("nash-mtl")]
    [InlineData("graddrop")]
    public void Fit_WithStrategy_LearnsAndLeavesNoLiveTensors(string name)
    {
        var options = new TrainerOptions { Epochs = 25, Optimizer = OptimizerKind.Adam, LearningRate = 0.01, Seed = 3 }.Deterministic();
        switch (name)
        {
            case "dwa": options.LossWeighting = new DynamicWeightAverage(); break;
            case "rlw": options.LossWeighting = new RandomLossWeighting(1); break;
            case "gls": options.LossWeighting = new GeometricLossWeighting(); break;
            case "gradnorm": options.LossWeighting = new GradNorm(); break;
            case "famo": options.LossWeighting = new Famo(); break;
            case "gradnorm+pcgrad": options.LossWeighting = new GradNorm(); options.GradientAggregator = new PCGrad(); break;
            case "mgda": options.GradientAggregator = new Mgda(); break;
            case "mgda-loss+": options.GradientAggregator = new Mgda(MgdaNormalization.LossPlus); break;
            case "imtl-g": options.GradientAggregator = new ImtlG(); break;
            case "aligned-mtl": options.GradientAggregator = new AlignedMtl(); break;
            case "gradvac": options.GradientAggregator = new GradVac(); break;
            case "upgrad": options.GradientAggregator = new UpGrad(); break;
            case "nash-mtl": options.GradientAggregator = new NashMtl(); break;
            case "graddrop": options.GradientAggregator = new GradDrop(); break;
            default: options.GradientAggregator = new CaGrad(0.4); break;
        }

        var definition = MultitaskModelBuilder.FromDataset(Split.Train).UseFamily(ModelFamily.SharedTrunk, new ArchitectureOptions { TrunkLayers = [16, 8] }).Build();
        var before = LiveTensors.Count;
        using (var model = new MultitaskTrainer(options).Fit(definition, Split.Train, Split.Validation))
        {
            var report = model.Evaluate(Split.Test);
            Assert.True(report["pass"][MetricKind.Accuracy] > 0.8, report.ToString());
            Assert.True(report["score"][MetricKind.RSquared] > 0.7, report.ToString());
        }

        Assert.Equal(before, LiveTensors.Count);
    }
}
