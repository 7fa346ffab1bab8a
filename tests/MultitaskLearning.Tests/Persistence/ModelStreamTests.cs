using MultitaskLearning.Models;
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

    /// <summary>A stream that can only be read forwards, like a network response.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream inner = new(bytes);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
