using System.Text;
using MultitaskLearning.Linear.Regularizers;
using MultitaskLearning.Testing;
using Xunit;

namespace MultitaskLearning.Linear.Tests;

/// <summary>Linear models saved to and loaded from streams: the same bytes and model as the file, non-seekable streams,
/// async equal to sync, errors that name the source, the caller's stream left open.</summary>
public sealed class ModelStreamTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("mtl-linear-stream-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task SaveToStream_WritesTheFileBytes_SyncAndAsync()
    {
        var model = Fitted();
        var path = Path.Combine(folder, "model.json");
        model.Save(path);
        var file = File.ReadAllBytes(path);

        var stream = ForwardOnlyStream.ForWriting();
        model.Save(stream);
        Assert.Equal(file, stream.Written);
        Assert.False(stream.IsDisposed);

        var asynchronous = ForwardOnlyStream.ForWriting();
        await model.SaveAsync(asynchronous);
        Assert.Equal(file, asynchronous.Written);
        Assert.False(asynchronous.IsDisposed);
    }

    [Fact]
    public async Task LoadFromForwardOnlyStream_SyncAndAsync_EqualsLoadFromFile()
    {
        var model = Fitted();
        var path = Path.Combine(folder, "model.json");
        model.Save(path);
        var fromFile = LinearMultitaskModel.Load(path);

        using var stream = new ForwardOnlyStream(File.ReadAllBytes(path));
        var fromStream = LinearMultitaskModel.Load(stream, "blob models/linear.json");
        Assert.False(stream.IsDisposed);
        using var again = new ForwardOnlyStream(File.ReadAllBytes(path));
        var fromAsync = await LinearMultitaskModel.LoadAsync(again, "blob models/linear.json");
        Assert.False(again.IsDisposed);

        foreach (var loaded in new[] { fromStream, fromAsync })
        {
            Assert.Equal(fromFile.TaskNames, loaded.TaskNames);
            Assert.Equal(fromFile.Weights, loaded.Weights);
            Assert.Equal(fromFile.Biases, loaded.Biases);
            Assert.Equal((fromFile.Loss, fromFile.Regularizer, fromFile.Lambda), (loaded.Loss, loaded.Regularizer, loaded.Lambda));
        }
    }

    [Theory]
    [InlineData("{\"format\": \"MultitaskLearning.Linear.Model\", \"version\": 1, \"tasks\": [\"a\"], \"weights\": [[1, 2]], \"biases\": [0], \"loss\": \"LeastSquares\"}")]
    [InlineData("{\"format\": \"something else\", \"version\": 7}")]
    [InlineData("null")]
    [InlineData("{\"format\": ")]
    [InlineData("")]
    public async Task BadContent_ThroughAStream_GivesTheFileMessage_NamingTheSource(string json)
    {
        var path = Path.Combine(folder, "bad.json");
        File.WriteAllText(path, json);
        var fromFile = Assert.Throws<InvalidDataException>(() => LinearMultitaskModel.Load(path));
        var bytes = Encoding.UTF8.GetBytes(json);
        var fromStream = Assert.Throws<InvalidDataException>(() => LinearMultitaskModel.Load(new ForwardOnlyStream(bytes), "blob models/bad.json"));
        var fromAsync = await Assert.ThrowsAsync<InvalidDataException>(() => LinearMultitaskModel.LoadAsync(new ForwardOnlyStream(bytes), "blob models/bad.json"));
        Assert.StartsWith($"Linear model file '{path}' is invalid: ", fromFile.Message, StringComparison.Ordinal);
        Assert.Equal(fromFile.Message.Replace(path, "blob models/bad.json", StringComparison.Ordinal), fromStream.Message);
        Assert.Equal(fromStream.Message, fromAsync.Message);
    }

    private static LinearMultitaskModel Fitted() =>
        LinearMultitask.Fit(RandomProblems.Create(seed: 35), new L21Regularizer(0.1)).Model;
}
