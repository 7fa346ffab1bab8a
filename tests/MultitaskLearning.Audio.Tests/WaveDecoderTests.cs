using NAudio.Wave;
using Xunit;

namespace MultitaskLearning.Audio.Tests;

public sealed class WaveDecoderTests : IDisposable
{
    private readonly WaveFixtures fixtures = new();

    public void Dispose() => fixtures.Dispose();

    [Theory]
    [InlineData(8, 1.0 / 64)]
    [InlineData(16, 1e-4)]
    [InlineData(24, 1e-6)]
    [InlineData(32, 1e-6)]
    public void Decode_Pcm_RecoversTheSignal(int bits, double tolerance)
    {
        var signal = WaveFixtures.Sine(440, 8000, 0.25);
        var path = fixtures.Write($"pcm{bits}.wav", new WaveFormat(8000, bits, 1), signal);
        var clip = WaveDecoder.Decode(path);
        Assert.Equal(8000, clip.SampleRate);
        Assert.Equal(signal.Length, clip.Samples.Length);
        Assert.True(signal.Zip(clip.Samples).Max(p => Math.Abs(p.First - p.Second)) <= tolerance);
    }

    [Fact]
    public void Decode_IeeeFloat_IsExact()
    {
        var signal = WaveFixtures.Sine(300, 16000, 0.1);
        var clip = WaveDecoder.Decode(fixtures.Write("float.wav", WaveFormat.CreateIeeeFloatWaveFormat(16000, 1), signal));
        Assert.Equal(signal, clip.Samples);
    }

    [Fact]
    public void Decode_Stereo_AveragesTheChannels()
    {
        var left = WaveFixtures.Sine(440, 8000, 0.1);
        var right = new float[left.Length];
        var clip = WaveDecoder.Decode(fixtures.Write("stereo.wav", new WaveFormat(8000, 16, 2), left, right));
        Assert.Equal(left.Length, clip.Samples.Length);
        Assert.True(left.Zip(clip.Samples).Max(p => Math.Abs((p.First / 2) - p.Second)) < 1e-3);
    }

    [Fact]
    public void Decode_TruncatedFile_SaysSoAndNamesIt()
    {
        var path = fixtures.Write("cut.wav", new WaveFormat(8000, 16, 1), WaveFixtures.Sine(440, 8000, 0.5));
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var error = Assert.Throws<InvalidDataException>(() => WaveDecoder.Decode(path));
        Assert.Contains($"Audio file '{path}' is truncated: its header declares 4000 frames", error.Message);
    }

    [Fact]
    public void Decode_EmptyOrNonWave_IsAnError()
    {
        var empty = Path.Combine(fixtures.Folder, "empty.wav");
        File.WriteAllBytes(empty, []);
        Assert.Equal($"Audio file '{empty}' is empty.", Assert.Throws<InvalidDataException>(() => WaveDecoder.Decode(empty)).Message);

        var text = Path.Combine(fixtures.Folder, "text.wav");
        File.WriteAllText(text, "this is not audio at all, just some text");
        Assert.StartsWith($"Audio file '{text}' is not a readable WAV file", Assert.Throws<InvalidDataException>(() => WaveDecoder.Decode(text)).Message);
    }

    [Fact]
    public void Decode_UnsupportedEncoding_NamesIt()
    {
        var path = Path.Combine(fixtures.Folder, "alaw.wav");
        using (var writer = new WaveFileWriter(path, WaveFormat.CreateALawFormat(8000, 1)))
        {
            writer.Write(new byte[800], 0, 800);
        }

        var error = Assert.Throws<InvalidDataException>(() => WaveDecoder.Decode(path));
        Assert.Contains("uses ALaw with 8 bits per sample; supported are PCM 8/16/24/32-bit and 32-bit IEEE float", error.Message);
    }

    [Fact]
    public void Resample_KeepsTheFrequencyAndDuration()
    {
        // A 440 Hz sine at 8 kHz resampled to 22.05 kHz: count zero crossings over the middle second.
        var clip = new AudioClip(WaveFixtures.Sine(440, 8000, 1.2), 8000);
        var resampled = Resampler.Resample(clip, 22050);
        Assert.Equal(22050, resampled.SampleRate);
        Assert.Equal((int)Math.Round(1.2 * 22050), resampled.Samples.Length);
        var middle = resampled.Samples.AsSpan(2205, 22050);
        var crossings = 0;
        for (var i = 1; i < middle.Length; i++)
        {
            crossings += Math.Sign(middle[i - 1]) != Math.Sign(middle[i]) ? 1 : 0;
        }

        Assert.InRange(crossings / 2.0, 438, 442);
    }
}
