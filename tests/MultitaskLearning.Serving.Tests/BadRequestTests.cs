using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Xunit;

namespace MultitaskLearning.Serving.Tests;

/// <summary>POST /predict answers a bad request with 400 and an RFC 7807 problem whose errors name the field.</summary>
[Collection(ServedModelCollection.Name)]
public sealed class BadRequestTests(ServedModelFixture served)
{
    private static readonly string SixValues = "[0.5, -1, 2, 0.25, 1.5, -0.75]";

    public static TheoryData<string, string, string> Requests => new()
    {
        { "{\"input\": \"features\", \"samples\": [[1, 2", "body", "not valid JSON" },
        { "[1, 2, 3]", "body", "JSON object" },
        { "", "body", "not valid JSON" },
        { $"{{\"input\": \"audio\", \"samples\": [{SixValues}]}}", "input", "Unknown input 'audio'" },
        { $"{{\"input\": 3, \"samples\": [{SixValues}]}}", "input", "got a JSON number" },
        { $"{{\"samples\": [{SixValues}]}}", "input", "2 inputs" },
        { "{\"input\": \"features\", \"samples\": [[1, 2, 3]]}", "samples[0]", "Has 3 values; input 'features' takes 6" },
        { $"{{\"input\": \"features\", \"samples\": [{SixValues}, [1, 2, 3, 4, 5, 6, 7]]}}", "samples[1]", "Has 7 values" },
        { "{\"input\": \"features\", \"samples\": [[1, 2, 3, 4, 5, 1e39]]}", "samples[0][5]", "not a finite 32-bit float" },
        { "{\"input\": \"features\", \"samples\": [[1, 2, 3, 4, 5, \"NaN\"]]}", "samples[0][5]", "got a JSON string (\"NaN\")" },
        { "{\"input\": \"features\", \"samples\": [[1, 2, true, 4, 5, 6]]}", "samples[0][2]", "got a JSON boolean" },
        { $"{{\"input\": \"image\", \"sample\": [null{string.Concat(Enumerable.Repeat(", 0", 63))}]}}", "sample[0]", "does not fill in missing values" },
        { "{\"input\": \"features\", \"samples\": [1, 2]}", "samples[0]", "Must be an array of numbers" },
        { "{\"input\": \"features\", \"samples\": []}", "samples", "at least one sample" },
        { "{\"input\": \"features\", \"samples\": {}}", "samples", "got a JSON object" },
        { "{\"input\": \"features\"}", "samples", "required" },
        { $"{{\"input\": \"features\", \"sample\": {SixValues}, \"samples\": [{SixValues}]}}", "sample", "not both" },
        { $"{{\"input\": \"features\", \"sampels\": [{SixValues}]}}", "sampels", "Unknown field" },
        { $"{{\"input\": \"features\", \"samples\": [{string.Join(", ", Enumerable.Repeat(SixValues, ServedModelFixture.MaxSamples + 1))}]}}", "samples", "limit is 4" },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task BadRequestGetsAProblemNamingTheField(string body, string field, string message)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await served.Client.PostAsync("/predict", content);
        await AssertProblemAsync(response, field, message);
    }

    [Fact]
    public async Task BodyOverTheLimitGetsAProblemNamingTheBody()
    {
        var padding = new string(' ', ServedModelFixture.MaxBodyBytes);
        using var content = new StringContent($"{{\"input\": \"features\", {padding}\"samples\": [{SixValues}]}}", Encoding.UTF8, "application/json");
        using var response = await served.Client.PostAsync("/predict", content);
        await AssertProblemAsync(response, "body", "larger than the limit of 8192 bytes");
    }

    [Fact]
    public async Task ChunkedBodyOverTheLimitGetsAProblemNamingTheBody()
    {
        // No Content-Length: the server counts the bytes as they arrive.
        var padding = new string(' ', ServedModelFixture.MaxBodyBytes);
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($"{{\"samples\": [{SixValues}]{padding}}}")));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/predict") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var response = await served.Client.SendAsync(request);
        await AssertProblemAsync(response, "body", "larger than the limit");
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, string field, string message)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var fieldErrors), $"No error for '{field}' in {errors}.");
        Assert.Contains(message, fieldErrors[0].GetString(), StringComparison.Ordinal);
        Assert.Contains(field, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
