using MultitaskLearning.Data;
using MultitaskLearning.Models;
using MultitaskLearning.TestUtilities;
using MultitaskLearning.Training;
using MultitaskLearning.Training.Aggregation;
using MultitaskLearning.Training.Weighting;
using Xunit;

namespace MultitaskLearning.Tests.Training;

/// <summary>With a seed and a fixed thread count, the same run repeated in one process is bit-identical: parameters
/// and every reported number. (libtorch's dot product once made the reported weighted loss differ in the last bit from
/// run to run; the weightings now multiply and sum.)</summary>
public sealed class ReproducibilityTests
{
    public static TheoryData<string> Strategies() => ["fixed", "equal", "uncertainty", "dwa", "rlw", "gls", "gradnorm", "famo", "pcgrad", "gradvac", "graddrop", "dropout"];

    [Theory]
    [MemberData(nameof(Strategies))]
    public void SameRunTwice_IsBitIdentical(string strategy)
    {
        var split = DatasetSplitter.Split(FusedEngineTests.MixedTasks(200, seed: 12), new SplitOptions { TrainFraction = 0.8, ValidationFraction = 0.2, Seed = 4 });
        var definition = MultitaskModelBuilder.FromDataset(split.Train)
            .UseFamily(ModelFamily.SharedTrunk, new ArchitectureOptions { TrunkLayers = [16, 8], Dropout = strategy == "dropout" ? 0.2 : 0 }).Build();
        (float[] Parameters, double[] Losses) Train()
        {
            var options = new TrainerOptions
            {
                Epochs = 3, BatchSize = 16, LearningRate = 0.02, Seed = 3, Engine = TrainingEngine.Autograd,
                LossWeighting = strategy switch
                {
                    "equal" => new EqualWeighting(),
                    "uncertainty" => new UncertaintyWeighting(),
                    "dwa" => new DynamicWeightAverage(),
                    "rlw" => new RandomLossWeighting(seed: 4),
                    "gls" => new GeometricLossWeighting(),
                    "gradnorm" => new GradNorm(),
                    "famo" => new Famo(),
                    _ => new FixedWeighting(),
                },
                GradientAggregator = strategy switch
                {
                    "pcgrad" => new PCGrad(),
                    "gradvac" => new GradVac(0.1),
                    "graddrop" => new GradDrop(),
                    _ => null,
                },
            }.Deterministic();
            using var model = new MultitaskTrainer(options).Fit(definition, split.Train, split.Validation);
            return (
                model.Network.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray(),
                model.TrainingHistory!.Epochs.SelectMany(e => new[] { e.TrainingLoss, e.ValidationLoss ?? double.NaN }.Concat(e.TaskWeights.Values)).ToArray());
        }

        var first = Train();
        var second = Train();
        Assert.Equal(first.Parameters, second.Parameters);
        Assert.Equal(first.Losses, second.Losses);
    }
}
