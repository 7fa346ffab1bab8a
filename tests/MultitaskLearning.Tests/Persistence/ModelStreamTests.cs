using MultitaskLearning.Models;
using MultitaskLearning.Testing;
using MultitaskLearning.TestUtilities;
using MultitaskLearning.Training;
using Xunit;

namespace MultitaskLearning.Tests.Persistence;

/// <summary>Models saved to and loaded from streams: the same bytes as a file, non-seekable streams, errors that name
/// the stream.</summary>
public sealed class ModelStreamTests
{
    [Fact]
    public void SaveToStream_LoadFromStream_PredictsTheSame()
    {
        using var model = Trained();
        using var memory = new MemoryStream();
        model.Save(memory);
        memory.Position = 0;
        using var loaded = MultitaskModel.Load(memory, "blob models/school.mtl");
        Assert.Equal(Flatten(model), Flatten(loaded));
        Assert.True(memory.CanRead); // left open
    }

    [Fact]
    public async Task SaveAsync_LoadAsync_RoundTrip()
    {
        using var model = Trained();
        using var memory = new MemoryStream();
        await model.SaveAsync(memory);
        memory.Position = 0;
        using var loaded = await MultitaskModel.LoadAsync(memory, "async blob");
        Assert.Equal(Flatten(model), Flatten(loaded));
    }

    [Fact]
    public void LoadFromNonSeekableStream_Works()
    {
        using var model = Trained();
        using var memory = new MemoryStream();
        model.Save(memory);
        using var forwardOnly = new ForwardOnlyStream(memory.ToArray());
        using var loaded = MultitaskModel.Load(forwardOnly, "response");
        Assert.Equal(Flatten(model), Flatten(loaded));
        Assert.False(forwardOnly.IsDisposed);
    }

    [Fact]
    public async Task FileAndForwardOnlyStreams_LoadTheSameModel()
    {
        using var model = Trained();
        var path = Path.Combine(Path.GetTempPath(), $"mtl-model-{Guid.NewGuid():N}.mtl");
        try
        {
            model.Save(path);
            using var fromFile = MultitaskModel.Load(path);
            using var forwardOnly = new ForwardOnlyStream(File.ReadAllBytes(path));
            using var fromStream = await MultitaskModel.LoadAsync(forwardOnly, "response");
            Assert.Equal(Flatten(fromFile), Flatten(fromStream));
            Assert.False(forwardOnly.IsDisposed);

            var written = ForwardOnlyStream.ForWriting();
            await model.SaveAsync(written);
            Assert.False(written.IsDisposed);
            using var reloaded = MultitaskModel.Load(new MemoryStream(written.Written), "written");
            Assert.Equal(Flatten(fromFile), Flatten(reloaded));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void CorruptStream_NamesTheStream()
    {
        using var model = Trained();
        using var memory = new MemoryStream();
        model.Save(memory);
        var bytes = memory.ToArray();
        bytes[bytes.Length / 2] ^= 0xFF;
        var error = Assert.Throws<InvalidDataException>(() => MultitaskModel.Load(new MemoryStream(bytes), "blob models/school.mtl").Dispose());
        Assert.Contains("'blob models/school.mtl'", error.Message, StringComparison.Ordinal);
    }

    private static MultitaskModel Trained()
    {
        var data = SyntheticData.RelatedTasks(count: 40, features: 3, seed: 2);
        var definition = MultitaskModelBuilder.FromDataset(data).UseFamily(ModelFamily.SharedTrunk, new ArchitectureOptions { TrunkLayers = [4] }).Build();
        return new MultitaskTrainer(new TrainerOptions { Epochs = 1 }.Deterministic()).Fit(definition, data);
    }

    private static float[] Flatten(MultitaskModel model) => model.Network.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
}
