using Xunit;
using Microsoft.ML;
using Microsoft.ML.Data;
using MultitaskLearning.Inference;
using MultitaskLearning.Tasks;

namespace MultitaskLearning.ML.Tests;

public sealed class MultitaskTransformerTests(TrainedTransformerFixture fixture) : IClassFixture<TrainedTransformerFixture>
{
    [Fact]
    public void Transform_GivesThePredictorsPredictionsForEveryRow()
    {
        var transformed = fixture.Transformer.Transform(fixture.Test);
        var expected = PredictWithLibrary(fixture.Transformer.Model, fixture.Test);

        var actual = ReadPredictions(transformed);

        Assert.Equal(expected.Count, actual.Count);
        Assert.True(expected.Count > 100);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i], actual[i]);
        }
    }

    [Fact]
    public void Transform_AddsTheDocumentedColumnsWithTheirTypes()
    {
        var schema = fixture.Transformer.GetOutputSchema(fixture.Test.Schema);

        Assert.Equal(NumberDataViewType.Single, schema["score.Score"].Type);
        Assert.Equal(TextDataViewType.Instance, schema["band.PredictedLabel"].Type);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 3), schema["band.Score"].Type);
        Assert.Equal(3UL, Assert.IsType<KeyDataViewType>(schema["band.PredictedKey"].Type).Count);
        Assert.Equal(NumberDataViewType.Single, schema["girl.Probability"].Type);
        var slotNames = default(VBuffer<ReadOnlyMemory<char>>);
        schema["band.Score"].GetSlotNames(ref slotNames);
        Assert.Equal(["VR1", "VR2", "VR3"], slotNames.DenseValues().Select(v => v.ToString()));
        Assert.Equal(
            ["score.Score", "band.PredictedLabel", "band.PredictedKey", "band.Score", "girl.PredictedLabel", "girl.PredictedKey", "girl.Score", "girl.Probability"],
            fixture.Transformer.OutputColumnNames);
        Assert.Equal(schema.Select(c => (c.Name, c.Type)), fixture.Transformer.Transform(fixture.Test).Schema.Select(c => (c.Name, c.Type)));
    }

    [Fact]
    public void SaveAndLoad_ThroughMlNetsModelFile_GiveTheSamePredictions()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mtl-mlnet-{Guid.NewGuid():N}.zip");
        try
        {
            fixture.Context.Model.Save(fixture.Transformer, fixture.Training.Schema, path);
            var context = new MLContext(seed: 2);
            var loaded = context.Model.Load(path, out var inputSchema);

            Assert.IsType<MultitaskTransformer>(loaded);
            Assert.Equal(fixture.Training.Schema.Select(c => c.Name), inputSchema.Select(c => c.Name));
            Assert.Equal(ReadPredictions(fixture.Transformer.Transform(fixture.Test)), ReadPredictions(loaded.Transform(fixture.Test)));
            ((IDisposable)loaded).Dispose();
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void SaveAndLoad_InAPipelineWithAnMlNetTransform_GiveTheSamePredictions()
    {
        var context = fixture.Context;
        var pipeline = context.Transforms.CopyColumns("Raw", "Features")
            .Append(context.Transforms.NormalizeMinMax("Features", "Raw"))
            .Append(new MultitaskEstimator(TrainedTransformerFixture.CreateOptions()));
        var model = pipeline.Fit(fixture.Training);
        using var stream = new MemoryStream();
        context.Model.Save(model, fixture.Training.Schema, stream);
        stream.Position = 0;

        var loaded = new MLContext(seed: 3).Model.Load(stream, out _);

        Assert.Equal(ReadPredictions(model.Transform(fixture.Test)), ReadPredictions(loaded.Transform(fixture.Test)));
        model.LastTransformer.Dispose();
    }

    [Fact]
    public void PredictionEngine_PredictsLikeTransform()
    {
        // Disposing a prediction engine disposes its transformer (ML.NET's convention), which the other tests share.
        var engine = fixture.Context.Model.CreatePredictionEngine<Student, BandPrediction>(fixture.Transformer);
        var students = fixture.Context.Data.CreateEnumerable<Student>(fixture.Test, reuseRowObject: false).Take(20).ToArray();
        var expected = fixture.Transformer.Transform(fixture.Test).GetColumn<string>("band.PredictedLabel").Take(20).ToArray();

        var predicted = students.Select(s => engine.Predict(s).Band).ToArray();

        Assert.Equal(expected, predicted);
        Assert.True(expected.Distinct().Count() > 1, "the test rows should not all get one band");
    }

    [Fact]
    public void Transform_WithoutTheFeatureColumn_NamesIt()
    {
        var data = fixture.Context.Data.LoadFromEnumerable(new[] { new { Other = 1f } });

        var error = Assert.Throws<ArgumentException>(() => fixture.Transformer.Transform(data));

        Assert.Contains("Feature column 'Features' is not in the data", error.Message);
        Assert.Contains("'Other'", error.Message);
    }

    internal static List<RowPrediction> PredictWithLibrary(MultitaskModel model, IDataView data)
    {
        using var predictor = model.CreatePredictor();
        return data.GetColumn<float[]>("Features")
            .Select(features => RowPrediction.From(predictor.Predict(MultitaskTransformer.InputName, features)))
            .ToList();
    }

    internal static List<RowPrediction> ReadPredictions(IDataView transformed)
    {
        var scores = transformed.GetColumn<float>("score.Score").ToArray();
        var bands = transformed.GetColumn<string>("band.PredictedLabel").ToArray();
        var bandScores = transformed.GetColumn<float[]>("band.Score").ToArray();
        var bandKeys = transformed.GetColumn<uint>("band.PredictedKey").ToArray();
        var girls = transformed.GetColumn<string>("girl.PredictedLabel").ToArray();
        var girlProbabilities = transformed.GetColumn<float>("girl.Probability").ToArray();
        return Enumerable.Range(0, scores.Length)
            .Select(i => new RowPrediction(scores[i], bands[i], (int)bandKeys[i] - 1, string.Join(";", bandScores[i]), girls[i], girlProbabilities[i]))
            .ToList();
    }

    /// <summary>One row's predictions, comparable by value.</summary>
    internal sealed record RowPrediction(float Score, string Band, int BandIndex, string BandProbabilities, string Girl, float GirlProbability)
    {
        public static RowPrediction From(IReadOnlyDictionary<string, TaskPrediction> p) => new(
            (float)p["score"].Values![0],
            p["band"].Label!,
            p["band"].ClassIndex!.Value,
            string.Join(";", Students.Band.Vocabulary!.Labels.Select(l => (float)p["band"].Probabilities![l])),
            p["girl"].Label!,
            (float)p["girl"].Probabilities!["girl"]);
    }

    /// <summary>The prediction engine's output row.</summary>
    public sealed class BandPrediction
    {
        [ColumnName("band.PredictedLabel")]
        public string Band { get; set; } = "";
    }
}
