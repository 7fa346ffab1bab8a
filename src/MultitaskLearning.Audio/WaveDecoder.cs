using NAudio.Wave;
using NAudio.Wave.SampleProviders;

namespace MultitaskLearning.Audio;

/// <summary>Reads WAV files through NAudio: PCM 8/16/24/32-bit and IEEE float, mono or stereo (averaged to mono).</summary>
public static class WaveDecoder
{
    /// <summary>Decodes a WAV file to mono.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The clip at the file's own sample rate.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is empty, not a WAV file, truncated, or uses an unsupported
    /// encoding; the message names the file and the problem.</exception>
    public static AudioClip Decode(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Audio file '{path}' does not exist.", path);
        }

        if (new FileInfo(path).Length == 0)
        {
            throw new InvalidDataException($"Audio file '{path}' is empty.");
        }

        try
        {
            using var reader = new WaveFileReader(path);
            var format = reader.WaveFormat;
            var encoding = format.Encoding == WaveFormatEncoding.Extensible && format is WaveFormatExtensible extensible
                ? SubFormatEncoding(extensible)
                : format.Encoding;
            var supported = (encoding == WaveFormatEncoding.Pcm && format.BitsPerSample is 8 or 16 or 24 or 32)
                || (encoding == WaveFormatEncoding.IeeeFloat && format.BitsPerSample == 32);
            if (!supported)
            {
                throw new InvalidDataException(
                    $"Audio file '{path}' uses {format.Encoding} with {format.BitsPerSample} bits per sample; supported are PCM 8/16/24/32-bit and 32-bit IEEE float.");
            }

            if (format.Channels is < 1 or > 2)
            {
                throw new InvalidDataException($"Audio file '{path}' has {format.Channels} channels; mono and stereo are supported.");
            }

            var available = new FileInfo(path).Length;
            var declaredFrames = DeclaredDataBytes(path) / format.BlockAlign;
            ISampleProvider provider = reader.ToSampleProvider();
            if (format.Channels == 2)
            {
                provider = new StereoToMonoSampleProvider(provider) { LeftVolume = 0.5f, RightVolume = 0.5f };
            }

            var samples = new List<float>((int)Math.Min(declaredFrames, 1 << 24));
            var buffer = new float[8192];
            int read;
            while ((read = provider.Read(buffer.AsSpan())) > 0)
            {
                samples.AddRange(buffer.AsSpan(0, read));
            }

            if (samples.Count < declaredFrames)
            {
                throw new InvalidDataException(
                    $"Audio file '{path}' is truncated: its header declares {declaredFrames} frames but it holds {samples.Count} ({available} bytes).");
            }

            if (samples.Count == 0)
            {
                throw new InvalidDataException($"Audio file '{path}' holds no audio samples.");
            }

            return new AudioClip([.. samples], format.SampleRate);
        }
        catch (Exception ex) when (ex is FormatException or EndOfStreamException or ArgumentException or NotSupportedException or InvalidOperationException)
        {
            throw new InvalidDataException($"Audio file '{path}' is not a readable WAV file: {ex.Message}", ex);
        }
    }

    /// <summary>The size the file's "data" chunk header declares (NAudio clamps its own length to the bytes present,
    /// which would hide truncation).</summary>
    private static long DeclaredDataBytes(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        stream.Position = 12;
        while (stream.Position + 8 <= stream.Length)
        {
            var id = new string(reader.ReadChars(4));
            var size = reader.ReadUInt32();
            if (id == "data")
            {
                return size;
            }

            stream.Position += size + (size % 2);
        }

        return 0;
    }

    private static WaveFormatEncoding SubFormatEncoding(WaveFormatExtensible format)
    {
        var sub = format.SubFormat;
        if (sub == AudioMediaSubtypes.MEDIASUBTYPE_PCM)
        {
            return WaveFormatEncoding.Pcm;
        }

        return sub == AudioMediaSubtypes.MEDIASUBTYPE_IEEE_FLOAT ? WaveFormatEncoding.IeeeFloat : WaveFormatEncoding.Extensible;
    }
}
