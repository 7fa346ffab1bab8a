using MultitaskLearning.Audio;
using MultitaskLearning.Testing;
using Xunit;

namespace MultitaskLearning.Audio.Tests;

/// <summary>WAV from streams on the vendored FSDD recordings: a forward-only stream, synchronously or asynchronously,
/// decodes to what the file decodes to; bad data names the source; the caller's stream is left open.</summary>
public sealed class FsddStreamTests
{
    private static readonly string Recordings = Path.Combine(AppContext.BaseDirectory, "data", "fsdd", "recordings");

    public static TheoryData<string> Digits() => [.. Enumerable.Range(0, 10).Select(d => $"{d}_jackson_0.wav")];

    [Theory]
    [MemberData(nameof(Digits))]
    public async Task Recording_FromForwardOnlyStream_SyncAndAsync_EqualsFromFile(string name)
    {
        var path = Path.Combine(Recordings, name);
        var fromFile = WaveDecoder.Decode(path);
        using var stream = new ForwardOnlyStream(File.ReadAllBytes(path));
        var fromStream = WaveDecoder.Decode(stream, name);
        Assert.Equal(fromFile.SampleRate, fromStream.SampleRate);
        Assert.Equal(fromFile.Samples, fromStream.Samples);
        Assert.False(stream.IsDisposed);

        using var again = new ForwardOnlyStream(File.ReadAllBytes(path));
        var fromAsync = await WaveDecoder.DecodeAsync(again, name);
        Assert.Equal(fromFile.SampleRate, fromAsync.SampleRate);
        Assert.Equal(fromFile.Samples, fromAsync.Samples);
        Assert.False(again.IsDisposed);
    }

    [Fact]
    public async Task TruncatedRecording_ThroughAStream_NamesTheSource_AsTheFileWould()
    {
        var bytes = File.ReadAllBytes(Path.Combine(Recordings, "3_jackson_0.wav"));
        var truncated = bytes[..(bytes.Length * 2 / 3)];
        var path = Path.Combine(Path.GetTempPath(), $"mtl-fsdd-{Guid.NewGuid():N}.wav");
        try
        {
            File.WriteAllBytes(path, truncated);
            var fromFile = Assert.Throws<InvalidDataException>(() => WaveDecoder.Decode(path));
            var fromStream = Assert.Throws<InvalidDataException>(() => WaveDecoder.Decode(new ForwardOnlyStream(truncated), "blob digits/3.wav"));
            var fromAsync = await Assert.ThrowsAsync<InvalidDataException>(() => WaveDecoder.DecodeAsync(new ForwardOnlyStream(truncated), "blob digits/3.wav"));
            Assert.StartsWith("Audio file 'blob digits/3.wav' is truncated", fromStream.Message, StringComparison.Ordinal);
            Assert.Equal(fromFile.Message.Replace(path, "blob digits/3.wav", StringComparison.Ordinal), fromStream.Message);
            Assert.Equal(fromStream.Message, fromAsync.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task DecodeAsync_TooLong_IsRefusedFromTheHeader()
    {
        var bytes = File.ReadAllBytes(Path.Combine(Recordings, "0_jackson_0.wav"));
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => WaveDecoder.DecodeAsync(new ForwardOnlyStream(bytes), "zero", maxDurationSeconds: 0.01));
        Assert.StartsWith("Audio file 'zero' declares ", error.Message, StringComparison.Ordinal);
    }
}
