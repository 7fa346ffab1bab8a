using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Xunit;

namespace MultitaskLearning.Serving.Tests;

/// <summary>The same endpoints over the model exported to ONNX and run by ONNX Runtime: the same description and the
/// predictor's answers (labels exactly, numbers to float precision).</summary>
[Collection(ServedModelCollection.Name)]
public sealed class OnnxServingTests(ServedModelFixture served)
{
    private const double Tolerance = 1e-5;

    [Fact]
    public async Task HealthNamesTheOnnxBackend()
    {
        var body = await served.OnnxClient.GetFromJsonAsync<JsonElement>("/health");
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.Equal("onnx", body.GetProperty("backend").GetString());
    }

    [Fact]
    public async Task ModelDescribesWhatTheLibraryServerDescribes()
    {
        var onnx = await served.OnnxClient.GetFromJsonAsync<JsonElement>("/model");
        var library = await served.Client.GetFromJsonAsync<JsonElement>("/model");
        Assert.Equal("onnx", onnx.GetProperty("backend").GetString());
        Assert.Equal("model.onnx", onnx.GetProperty("file").GetString());
        Assert.Equal(library.GetProperty("family").GetString(), onnx.GetProperty("family").GetString());
        Assert.Equal(library.GetProperty("libraryVersion").GetString(), onnx.GetProperty("libraryVersion").GetString());
        Assert.Equal(library.GetProperty("tasks").GetRawText(), onnx.GetProperty("tasks").GetRawText());
        Assert.Equal(
            library.GetProperty("inputs").EnumerateArray().Select(i => (i.GetProperty("name").GetString(), i.GetProperty("shape").GetRawText())),
            onnx.GetProperty("inputs").EnumerateArray().Select(i => (i.GetProperty("name").GetString(), i.GetProperty("shape").GetRawText())));
    }

    [Fact]
    public async Task PredictAnswersWhatThePredictorAnswersForABatch()
    {
        var samples = served.FeatureSamples.Skip(1).Take(ServedModelFixture.MaxSamples).ToArray();
        using var response = await served.OnnxClient.PostAsJsonAsync("/predict", new { input = "features", samples });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        PredictionAssert.Equal(served.Predictor.PredictBatch("features", samples), body.GetProperty("predictions"), Tolerance);
    }

    [Fact]
    public async Task PredictAnswersASingleSampleOfTheOtherInput()
    {
        var sample = served.ImageSamples[2];
        using var response = await served.OnnxClient.PostAsJsonAsync("/predict", new { input = "image", sample });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        PredictionAssert.Equal(served.Predictor.PredictBatch("image", [sample]), body.GetProperty("predictions"), Tolerance);
    }

    [Fact]
    public async Task UnknownInputGetsAProblemNamingTheInput()
    {
        using var content = new StringContent("{\"input\": \"audio\", \"sample\": [1, 2, 3, 4, 5, 6]}", Encoding.UTF8, "application/json");
        using var response = await served.OnnxClient.PostAsync("/predict", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("Unknown input 'audio'", problem.GetProperty("errors").GetProperty("input")[0].GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("multitask.format", "metadata 'multitask.format' is missing")]
    [InlineData("multitask.tasks", "metadata 'multitask.tasks' is missing")]
    public void OnnxFileWithoutTheLibrarysMetadataIsRefusedSayingWhatIsMissing(string key, string message)
    {
        var model = Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(served.OnnxPath));
        var entry = model.MetadataProps.Single(p => p.Key == key);
        model.MetadataProps.Remove(entry);
        var path = Path.Combine(Path.GetTempPath(), $"without-{key}-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, Google.Protobuf.MessageExtensions.ToByteArray(model));
        try
        {
            var error = Assert.Throws<InvalidDataException>(() => Samples.Serving.ServingApp.Create(["--model", path]));
            Assert.Contains(Path.GetFileName(path), error.Message, StringComparison.Ordinal);
            Assert.Contains(message, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
