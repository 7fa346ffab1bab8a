using MultitaskLearning.Audio;
using Xunit;

namespace MultitaskLearning.Audio.Tests;

/// <summary>WAV decoding from streams gives what decoding the file gives, and names the stream in errors.</summary>
public sealed class WaveStreamTests
{
    [Fact]
    public void DecodeFromStream_EqualsDecodeFromFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mtl-wave-{Guid.NewGuid():N}.wav");
        try
        {
            using (var writer = new NAudio.Wave.WaveFileWriter(path, new NAudio.Wave.WaveFormat(8000, 16, 1)))
            {
                var samples = Enumerable.Range(0, 800).Select(i => (short)(1000 * Math.Sin(i / 10.0))).ToArray();
                foreach (var sample in samples)
                {
                    writer.WriteSample(sample / 32768f);
                }
            }

            var fromFile = WaveDecoder.Decode(path);
            using var stream = File.OpenRead(path);
            var fromStream = WaveDecoder.Decode(stream, "upload.wav");
            Assert.Equal(fromFile.Samples, fromStream.Samples);
            Assert.Equal(fromFile.SampleRate, fromStream.SampleRate);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void DecodeFromStream_NotAWave_NamesTheStream()
    {
        using var stream = new MemoryStream("not a wave file at all"u8.ToArray());
        var error = Assert.Throws<InvalidDataException>(() => WaveDecoder.Decode(stream, "upload.wav"));
        Assert.Contains("'upload.wav'", error.Message, StringComparison.Ordinal);
    }
}
