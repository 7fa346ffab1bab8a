using MultitaskLearning.Models;
using MultitaskLearning.TestUtilities;
using MultitaskLearning.Training;
using MultitaskLearning.Training.Aggregation;
using MultitaskLearning.Training.Weighting;
using Xunit;

namespace MultitaskLearning.Tests.Training;

/// <summary>Fit, Evaluate, Predict and the predictor free every native tensor they create (TorchSharp's live count
/// returns to where it started once the model is disposed).</summary>
public sealed class TensorLifetimeTests
{
    [Theory]
    [InlineData(ModelFamily.SharedTrunk, false)]
    [InlineData(ModelFamily.Hybrid, true)]
    [InlineData(ModelFamily.TaskSpecific, false)]
    [InlineData(ModelFamily.Cgc, true)]
    [InlineData(ModelFamily.CrossStitch, false)]
    public void FitEvaluatePredict_LeaveNoLiveTensors(ModelFamily family, bool surgery)
    {
        var data = SyntheticData.RelatedTasks(count: 100, seed: 5);
        var split = MultitaskLearning.Data.DatasetSplitter.Split(data);
        var definition = MultitaskModelBuilder.FromDataset(split.Train).UseFamily(family, new ArchitectureOptions { TrunkLayers = [8] }).Build();
        var options = new TrainerOptions
        {
            Epochs = 3,
            Optimizer = OptimizerKind.Adam,
            EarlyStopping = new EarlyStoppingOptions { Patience = 5 },
            GradientAggregator = surgery ? new PCGrad() : null,
            LossWeighting = surgery ? new UncertaintyWeighting() : new FixedWeighting(),
        }.Deterministic();

        var before = LiveTensors.Count;
        using (var model = new MultitaskTrainer(options).Fit(definition, split.Train, split.Validation))
        {
            model.Evaluate(split.Test);
            using var predictor = model.CreatePredictor();
            predictor.Predict(split.Test.Inputs["features"].GetSample(0).ToArray());
        }

        Assert.Equal(before, LiveTensors.Count);
    }
}
