using System.Buffers.Binary;
using MultitaskLearning.Data;
using MultitaskLearning.Tasks;
using NAudio.Wave;
using Xunit;

namespace MultitaskLearning.Audio.Tests;

/// <summary>Bad WAV files, generated here: each is rejected with an <see cref="InvalidDataException"/> naming the
/// file and the problem, before any large allocation, and never decodes to wrong values.</summary>
public sealed class BadWaveTests : IDisposable
{
    private static readonly AudioFeatureOptions Features = new() { SampleRate = 8000, DurationSeconds = 0.25, FftSize = 256, HopLength = 128, MelBands = 16 };
    private static readonly TaskDefinition Word = TaskDefinition.Multiclass("word", "hello", "thank you");
    private readonly WaveFixtures fixtures = new();

    public void Dispose() => fixtures.Dispose();

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "Infinity")]
    [InlineData(float.NegativeInfinity, "-Infinity")]
    public void FloatWave_WithNonFiniteSample_NamesFileAndSampleIndex(float bad, string shown)
    {
        var path = NonFinite("bad.wav", bad, index: 123);
        var error = Assert.Throws<InvalidDataException>(() => WaveDecoder.Decode(path));
        Assert.Equal($"Audio file '{path}' holds a non-finite sample ({shown}) at sample index 123 (frame 123, channel 1 of 1); every sample must be a finite number.", error.Message);
    }

    [Fact]
    public void StereoFloatWave_WithNaN_NamesFrameAndChannel()
    {
        var left = WaveFixtures.Sine(300, 8000, 0.1);
        var right = WaveFixtures.Sine(500, 8000, 0.1);
        right[10] = float.NaN;
        var path = fixtures.Write("stereo-nan.wav", WaveFormat.CreateIeeeFloatWaveFormat(8000, 2), left, right);
        var error = Assert.Throws<InvalidDataException>(() => WaveDecoder.Decode(path));
        Assert.Contains($"Audio file '{path}' holds a non-finite sample (NaN) at sample index 21 (frame 10, channel 2 of 2)", error.Message);
    }

    [Fact]
    public void Stereo_StillAveragesExactlyLikeNAudio()
    {
        var left = WaveFixtures.Sine(300, 8000, 0.1);
        var right = WaveFixtures.Sine(700, 8000, 0.1);
        var clip = WaveDecoder.Decode(fixtures.Write("stereo.wav", WaveFormat.CreateIeeeFloatWaveFormat(8000, 2), left, right));
        Assert.Equal(left.Zip(right, (l, r) => (l * 0.5f) + (r * 0.5f)), clip.Samples);
    }

    [Fact]
    public void SampleRateZero_IsRejectedFromTheHeader()
    {
        var path = Patched("rate0.wav", bytes => BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(24), 0));
        var error = Assert.Throws<InvalidDataException>(() => WaveDecoder.Decode(path));
        Assert.Equal($"Audio file '{path}' declares a sample rate of 0 Hz; it must be between 1 and 1,000,000 Hz.", error.Message);
    }

    [Fact]
    public void SampleRateAboveTheRange_IsRejected()
    {
        var path = Patched("rate-huge.wav", bytes => BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(24), uint.MaxValue));
        Assert.Contains("must be between 1 and 1,000,000 Hz", Assert.Throws<InvalidDataException>(() => WaveDecoder.Decode(path)).Message);
    }

    [Fact]
    public void ZeroChannels_IsRejectedFromTheHeader()
    {
        var path = Patched("channels0.wav", bytes => BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(22), 0));
        var error = Assert.Throws<InvalidDataException>(() => WaveDecoder.Decode(path));
        Assert.Equal($"Audio file '{path}' declares 0 channels in its header; it needs at least 1.", error.Message);
    }

    [Fact]
    public void ZeroBlockSizeOrOddBits_IsRejectedFromTheHeader()
    {
        var block = Patched("block0.wav", bytes => BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(32), 0));
        Assert.Equal(
            $"Audio file '{block}' declares a block size of 0 bytes; 1 channel(s) of 16 bits need 2.",
            Assert.Throws<InvalidDataException>(() => WaveDecoder.Decode(block)).Message);
        var bits = Patched("bits12.wav", bytes => BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(34), 12));
        Assert.Contains($"Audio file '{bits}' uses Pcm with 12 bits per sample; supported are", Assert.Throws<InvalidDataException>(() => WaveDecoder.Decode(bits)).Message);
    }

    [Fact]
    public void TooLongByHeader_IsRejectedBeforeReading()
    {
        // 0.1 s of audio whose data chunk claims 700 s: rejected as too long (not read, not reported as truncated).
        var path = Patched("long.wav", bytes => BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(DataSizeOffset(bytes)), 700 * 8000 * 2));
        var error = Assert.Throws<InvalidDataException>(() => WaveDecoder.Decode(path));
        Assert.Equal(
            $"Audio file '{path}' declares 700 s of audio (5600000 frames at 8000 Hz), more than the maximum of 600 s (AudioFeatureOptions.MaxDurationSeconds).",
            error.Message);
    }

    [Fact]
    public void MaxDuration_IsConfigurable()
    {
        var path = fixtures.Write("one-second.wav", new WaveFormat(8000, 16, 1), WaveFixtures.Sine(300, 8000, 1));
        Assert.Equal(8000, WaveDecoder.Decode(path, 1).Samples.Length);
        Assert.Contains("declares 1 s of audio (8000 frames at 8000 Hz), more than the maximum of 0.5 s", Assert.Throws<InvalidDataException>(() => WaveDecoder.Decode(path, 0.5)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => WaveDecoder.Decode(path, 0));
        Assert.Contains("MaxDurationSeconds must be > 0", Assert.Throws<ArgumentException>(() => new AudioFeatureOptions { MaxDurationSeconds = double.NaN }.Validate()).Message);

        // Through the reader: the options' limit applies.
        var manifest = Path.Combine(fixtures.Folder, "one.csv");
        File.WriteAllLines(manifest, ["path,word", "one-second.wav,hello"]);
        var features = new AudioFeatureOptions { SampleRate = 8000, DurationSeconds = 0.25, FftSize = 256, HopLength = 128, MelBands = 16, MaxDurationSeconds = 0.5 };
        var error = Assert.Throws<InvalidDataException>(() => SpeechDatasetReader.Read(LabeledFileSources.FromManifest(manifest), [Word], features));
        Assert.Contains("manifest row 1, file '", error.Message);
        Assert.Contains("more than the maximum of 0.5 s", error.Message);
    }

    [Fact]
    public void NotRiffOrMissingChunks_IsRejected()
    {
        var noData = Patched("nodata.wav", bytes => bytes.AsSpan(DataSizeOffset(bytes) - 4, 4).Fill((byte)'x'));
        Assert.Contains("is not a readable WAV file", Assert.Throws<InvalidDataException>(() => WaveDecoder.Decode(noData)).Message);
        var shortFile = Path.Combine(fixtures.Folder, "short.wav");
        File.WriteAllBytes(shortFile, "RIFF"u8.ToArray());
        Assert.Equal($"Audio file '{shortFile}' is not a readable WAV file: it does not start with a RIFF/WAVE header.", Assert.Throws<InvalidDataException>(() => WaveDecoder.Decode(shortFile)).Message);
    }

    [Fact]
    public void Reader_MixedGoodAndBadFiles_SkipsAndReportsEveryBadOne_KeepsTheGoodValues()
    {
        var good1 = fixtures.Write("a.wav", new WaveFormat(8000, 16, 1), WaveFixtures.Sine(250, 8000, 0.3));
        NonFinite("nan.wav", float.NaN, 5);
        Patched("rate0.wav", bytes => BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(24), 0));
        var good2 = fixtures.Write("b.wav", WaveFormat.CreateIeeeFloatWaveFormat(8000, 1), WaveFixtures.Sine(600, 8000, 0.3));
        Patched("channels0.wav", bytes => BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(22), 0));
        Patched("long.wav", bytes => BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(DataSizeOffset(bytes)), 700 * 8000 * 2));
        var manifest = Path.Combine(fixtures.Folder, "mixed.csv");
        File.WriteAllLines(manifest, ["path,word", "a.wav,hello", "nan.wav,hello", "rate0.wav,hello", "b.wav,thank you", "channels0.wav,hello", "long.wav,hello"]);
        var files = LabeledFileSources.FromManifest(manifest);

        var data = SpeechDatasetReader.Read(files, [Word], Features, new LabeledFileDatasetOptions { SkipBadFiles = true, MaxDegreeOfParallelism = 2 });
        Assert.Equal((6, 2), (data.Report.Files, data.Report.Loaded));
        Assert.Equal([2, 3, 5, 6], data.Report.Skipped.Select(s => s.Row!.Value));
        Assert.Equal(["nan.wav", "rate0.wav", "channels0.wav", "long.wav"], data.Report.Skipped.Select(s => Path.GetFileName(s.Path)));
        Assert.Contains("non-finite sample (NaN) at sample index 5", data.Report.Skipped[0].Reason);
        Assert.Contains("sample rate of 0 Hz", data.Report.Skipped[1].Reason);
        Assert.Contains("declares 0 channels", data.Report.Skipped[2].Reason);
        Assert.Contains("more than the maximum of 600 s", data.Report.Skipped[3].Reason);
        Assert.All(data.Report.Skipped, s => Assert.Contains(s.Path, s.Reason));

        var extractor = new AudioFeatureExtractor(Features);
        var expected = extractor.Extract(WaveDecoder.Decode(good1)).Concat(extractor.Extract(WaveDecoder.Decode(good2))).ToArray();
        Assert.Equal(expected, data.Dataset.Inputs["input"].Values.ToArray());
        Assert.Equal([0f, 1f], data.Dataset.GetTargets("word").Values.ToArray());
        Assert.All(data.Dataset.Inputs["input"].Values.ToArray(), v => Assert.True(float.IsFinite(v)));

        // Without skipping: the first bad file (row 2), unwrapped, naming the row and the file.
        var error = Assert.Throws<InvalidDataException>(() => SpeechDatasetReader.Read(files, [Word], Features, new LabeledFileDatasetOptions { MaxDegreeOfParallelism = 2 }));
        Assert.StartsWith($"Audio manifest row 2, file '{Path.Combine(fixtures.Folder, "nan.wav")}': ", error.Message);
        Assert.Contains("non-finite sample (NaN) at sample index 5", error.Message);
    }

    private static int DataSizeOffset(byte[] bytes) => bytes.AsSpan().IndexOf("data"u8) + 4;

    private string NonFinite(string name, float bad, int index)
    {
        var signal = WaveFixtures.Sine(300, 8000, 0.1);
        signal[index] = bad;
        return fixtures.Write(name, WaveFormat.CreateIeeeFloatWaveFormat(8000, 1), signal);
    }

    private string Patched(string name, Action<byte[]> patch)
    {
        var path = fixtures.Write(name, new WaveFormat(8000, 16, 1), WaveFixtures.Sine(300, 8000, 0.1));
        var bytes = File.ReadAllBytes(path);
        patch(bytes);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
