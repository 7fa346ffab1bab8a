using MultitaskLearning.Data;
using MultitaskLearning.Models;
using MultitaskLearning.Tasks;
using MultitaskLearning.TestUtilities;
using MultitaskLearning.Training;
using Xunit;

namespace MultitaskLearning.Tests.Inference;

public sealed class MultitaskPredictorTests
{
    private static readonly MultitaskDataset Data = SyntheticData.RelatedTasks(count: 200, seed: 12, missingFraction: 0);

    [Fact]
    public void Predict_ReturnsLabelsProbabilitiesAndValuesInOriginalUnits()
    {
        using var model = Train();
        using var predictor = model.CreatePredictor();
        var outputs = model.Predict(Data);
        var sample = Data.Inputs["features"].GetSample(0).ToArray();

        var prediction = predictor.Predict(sample);

        var pass = prediction["pass"];
        Assert.Equal(TaskKind.Binary, pass.Kind);
        Assert.Contains(pass.Label, new[] { "no", "yes" });
        Assert.Equal(1.0, pass.Probabilities!.Values.Sum(), 6);
        Assert.Equal(outputs["pass"].Scores[0], pass.Probabilities["yes"], 5);
        Assert.Equal(outputs["score"].Scores[0], prediction["score"].Values![0], 4);
    }

    [Fact]
    public void PredictBatch_EqualsOneByOne_AndIsThreadSafe()
    {
        using var model = Train();
        using var predictor = model.CreatePredictor();
        var samples = Enumerable.Range(0, 64).Select(i => Data.Inputs["features"].GetSample(i).ToArray()).ToArray();
        var batch = predictor.PredictBatch(samples);
        var parallel = new double[samples.Length];
        Parallel.For(0, samples.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => parallel[i] = predictor.Predict(samples[i])["score"].Values![0]);
        for (var i = 0; i < samples.Length; i++)
        {
            Assert.Equal(batch[i]["score"].Values![0], parallel[i], 4);
        }
    }

    [Fact]
    public void Predict_MulticlassProbabilitiesCoverTheVocabulary()
    {
        var data = SyntheticData.Argmax(count: 200);
        var definition = MultitaskModelBuilder.FromDataset(data).Build();
        using var model = new MultitaskTrainer(new TrainerOptions { Epochs = 20, LearningRate = 0.05 }.Deterministic()).Fit(definition, data);
        using var predictor = model.CreatePredictor();
        var prediction = predictor.Predict(data.Inputs["features"].GetSample(3).ToArray())["argmax"];
        Assert.Equal(["0", "1", "2"], prediction.Probabilities!.Keys.Order());
        Assert.Equal(1.0, prediction.Probabilities.Values.Sum(), 5);
        Assert.Equal(prediction.Probabilities.MaxBy(kv => kv.Value).Key, prediction.Label);
    }

    [Fact]
    public void Predict_WrongSampleSize_SaysExpectedSize()
    {
        using var model = Train();
        using var predictor = model.CreatePredictor();
        var error = Assert.Throws<ArgumentException>(() => predictor.Predict([1f, 2f]));
        Assert.Contains("Input 'features': sample 0 has 2 values; the model expects 5 (shape [5])", error.Message);
        Assert.Throws<ArgumentException>(() => predictor.Predict("audio", [1f]));
    }

    [Fact]
    public void Predictor_OutlivesTheModelItCameFrom()
    {
        var model = Train();
        using var predictor = model.CreatePredictor();
        model.Dispose();
        Assert.Single(predictor.PredictBatch([Data.Inputs["features"].GetSample(1).ToArray()]));
        Assert.Throws<ObjectDisposedException>(() => model.Evaluate(Data));
    }

    private static MultitaskModel Train()
    {
        var definition = MultitaskModelBuilder.FromDataset(Data).UseFamily(ModelFamily.SharedTrunk, new ArchitectureOptions { TrunkLayers = [16] }).Build();
        return new MultitaskTrainer(new TrainerOptions { Epochs = 10, LearningRate = 0.05, Seed = 3 }.Deterministic()).Fit(definition, Data);
    }
}
