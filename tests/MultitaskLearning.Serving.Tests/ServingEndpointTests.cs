using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace MultitaskLearning.Serving.Tests;

/// <summary>GET /health, GET /model and POST /predict of a served library model.</summary>
[Collection(ServedModelCollection.Name)]
public sealed class ServingEndpointTests(ServedModelFixture served)
{
    [Fact]
    public async Task HealthAnswersHealthyWithTheBackend()
    {
        using var response = await served.Client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.Equal("library", body.GetProperty("backend").GetString());
    }

    [Fact]
    public async Task ModelDescribesInputsTasksVersionAndBackend()
    {
        var body = await served.Client.GetFromJsonAsync<JsonElement>("/model");
        Assert.Equal("library", body.GetProperty("backend").GetString());
        Assert.Equal("model.mtl", body.GetProperty("file").GetString());
        Assert.Equal("shared-trunk", body.GetProperty("family").GetString());
        Assert.Equal(typeof(MultitaskModel).Assembly.GetName().Version!.ToString(3), body.GetProperty("libraryVersion").GetString());

        var inputs = body.GetProperty("inputs").EnumerateArray().ToDictionary(i => i.GetProperty("name").GetString()!);
        Assert.Equal([ServedModelFixture.FeatureCount], inputs["features"].GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
        Assert.True(inputs["features"].GetProperty("acceptsMissingValues").GetBoolean());
        Assert.Equal([1, 8, 8], inputs["image"].GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
        Assert.Equal(64, inputs["image"].GetProperty("sampleSize").GetInt32());
        Assert.False(inputs["image"].GetProperty("acceptsMissingValues").GetBoolean());

        var tasks = body.GetProperty("tasks").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);
        Assert.Equal(["bright", "grade", "pass", "quadrant", "score", "tags"], tasks.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("Regression", tasks["score"].GetProperty("kind").GetString());
        Assert.Equal(2, tasks["score"].GetProperty("outputSize").GetInt32());
        Assert.Equal("Binary", tasks["pass"].GetProperty("kind").GetString());
        Assert.Equal(["no", "yes"], Labels(tasks["pass"]));
        Assert.Equal("Multiclass", tasks["grade"].GetProperty("kind").GetString());
        Assert.Equal(["low", "mid", "high"], Labels(tasks["grade"]));
        Assert.Equal("MultiLabel", tasks["tags"].GetProperty("kind").GetString());
        Assert.Equal(["warm", "loud", "fast"], Labels(tasks["tags"]));
        Assert.Equal("image", tasks["quadrant"].GetProperty("input").GetString());
        Assert.Equal("features", tasks["grade"].GetProperty("input").GetString());
        Assert.Equal(ServedModelFixture.MaxSamples, body.GetProperty("limits").GetProperty("maxSamples").GetInt32());
    }

    [Fact]
    public async Task PredictAnswersWhatThePredictorAnswersForABatch()
    {
        var samples = served.FeatureSamples.Take(ServedModelFixture.MaxSamples).ToArray();
        using var response = await served.Client.PostAsJsonAsync("/predict", new { input = "features", samples });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("features", body.GetProperty("input").GetString());
        PredictionAssert.Equal(served.Predictor.PredictBatch("features", samples), body.GetProperty("predictions"));
    }

    [Fact]
    public async Task PredictAnswersASingleSampleOfTheOtherInput()
    {
        var sample = served.ImageSamples[1];
        using var response = await served.Client.PostAsJsonAsync("/predict", new { input = "image", sample });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var predictions = body.GetProperty("predictions");
        PredictionAssert.Equal(served.Predictor.PredictBatch("image", [sample]), predictions);
        Assert.Equal(["bright", "quadrant"], predictions[0].EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task NullIsAMissingValueWhereTheInputFillsThemIn()
    {
        var values = served.FeatureSamples[4].Select(v => v.ToString("R", CultureInfo.InvariantCulture)).ToArray();
        values[2] = "null";
        using var content = new StringContent($$"""{"input": "features", "sample": [{{string.Join(", ", values)}}]}""", System.Text.Encoding.UTF8, "application/json");
        using var response = await served.Client.PostAsync("/predict", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var withMissing = served.FeatureSamples[4].ToArray();
        withMissing[2] = float.NaN;
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        PredictionAssert.Equal(served.Predictor.PredictBatch("features", [withMissing]), body.GetProperty("predictions"));
    }

    private static string[] Labels(JsonElement task) => task.GetProperty("labels").EnumerateArray().Select(l => l.GetString()!).ToArray();
}
