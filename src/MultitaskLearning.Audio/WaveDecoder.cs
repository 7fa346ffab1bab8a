using System.Globalization;
using NAudio.Wave;

namespace MultitaskLearning.Audio;

/// <summary>Reads WAV files through NAudio: PCM 8/16/24/32-bit and IEEE float, mono or stereo (averaged to mono).
/// The header (channels, sample rate, encoding, block size, declared duration) is checked before any sample is
/// read, and every decoded sample must be finite.</summary>
public static class WaveDecoder
{
    /// <summary>The longest file <see cref="Decode(string)"/> accepts, in seconds of audio declared by the header.</summary>
    public const double DefaultMaxDurationSeconds = 600;

    /// <summary>The lowest sample rate a file may declare, in Hz.</summary>
    public const int MinSampleRate = 1;

    /// <summary>The highest sample rate a file may declare, in Hz.</summary>
    public const int MaxSampleRate = 1_000_000;

    /// <summary>The WAVE_FORMAT_EXTENSIBLE sub-format of integer PCM (KSDATAFORMAT_SUBTYPE_PCM).</summary>
    private static readonly Guid PcmSubtype = new("00000001-0000-0010-8000-00aa00389b71");

    /// <summary>The WAVE_FORMAT_EXTENSIBLE sub-format of IEEE floating point (KSDATAFORMAT_SUBTYPE_IEEE_FLOAT).</summary>
    private static readonly Guid IeeeFloatSubtype = new("00000003-0000-0010-8000-00aa00389b71");

    /// <summary>Decodes a WAV file to mono, accepting at most <see cref="DefaultMaxDurationSeconds"/> of audio.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The clip at the file's own sample rate.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is empty, not a WAV file, truncated, declares an invalid header
    /// (no channels, a sample rate outside [<see cref="MinSampleRate"/>, <see cref="MaxSampleRate"/>] Hz, an
    /// inconsistent block size, too long a duration), uses an unsupported encoding, or holds a non-finite sample; the
    /// message names the file and the problem.</exception>
    public static AudioClip Decode(string path) => Decode(path, DefaultMaxDurationSeconds);

    /// <summary>Decodes a WAV file to mono.</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxDurationSeconds">The longest duration the header may declare, in seconds; checked before reading.</param>
    /// <returns>The clip at the file's own sample rate.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is empty, not a WAV file, truncated, declares an invalid header
    /// (no channels, a sample rate outside [<see cref="MinSampleRate"/>, <see cref="MaxSampleRate"/>] Hz, an
    /// inconsistent block size, more than <paramref name="maxDurationSeconds"/> of audio), uses an unsupported
    /// encoding, or holds a non-finite sample; the message names the file and the problem.</exception>
    public static AudioClip Decode(string path, double maxDurationSeconds)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!(maxDurationSeconds > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(maxDurationSeconds), maxDurationSeconds, "The maximum duration must be > 0.");
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Audio file '{path}' does not exist.", path);
        }

        using var file = File.OpenRead(path);
        return DecodeSeekable(file, path, maxDurationSeconds);
    }

    /// <summary>Decodes a WAV file held in a stream (a blob, an embedded resource), read from its current position to
    /// its end (it is copied to memory first, so it may be non-seekable); the stream is left open (the library never
    /// disposes a stream it is given). The same checks as for a file apply.</summary>
    /// <param name="stream">A readable stream holding a WAV file.</param>
    /// <param name="name">What the stream is, for error messages.</param>
    /// <param name="maxDurationSeconds">The longest audio accepted, checked from the header before reading.</param>
    /// <returns>The clip.</returns>
    /// <exception cref="InvalidDataException">As for a file; the message names <paramref name="name"/>.</exception>
    public static AudioClip Decode(Stream stream, string name, double maxDurationSeconds = DefaultMaxDurationSeconds)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!(maxDurationSeconds > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(maxDurationSeconds), maxDurationSeconds, "The maximum duration must be > 0.");
        }

        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        memory.Position = 0;
        return DecodeSeekable(memory, name, maxDurationSeconds);
    }

    /// <summary>Decodes a WAV file held in a stream asynchronously, for streams from a network or a blob store: the
    /// stream is copied to memory asynchronously (from its current position to its end; it is left open), then decoded
    /// synchronously with the same checks as <see cref="Decode(Stream, string, double)"/>.</summary>
    /// <param name="stream">A readable stream holding a WAV file; it may be non-seekable.</param>
    /// <param name="name">What the stream is, for error messages.</param>
    /// <param name="maxDurationSeconds">The longest audio accepted, checked from the header before the samples are decoded.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The clip.</returns>
    /// <exception cref="InvalidDataException">As for a file; the message names <paramref name="name"/>.</exception>
    public static async Task<AudioClip> DecodeAsync(Stream stream, string name, double maxDurationSeconds = DefaultMaxDurationSeconds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!(maxDurationSeconds > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(maxDurationSeconds), maxDurationSeconds, "The maximum duration must be > 0.");
        }

        using var memory = new MemoryStream();
        await stream.CopyToAsync(memory, cancellationToken).ConfigureAwait(false);
        memory.Position = 0;
        return DecodeSeekable(memory, name, maxDurationSeconds);
    }

    private static AudioClip DecodeSeekable(Stream source, string path, double maxDurationSeconds)
    {
        var available = source.Length;
        if (available == 0)
        {
            throw new InvalidDataException($"Audio file '{path}' is empty.");
        }

        try
        {
            var header = ReadHeader(source, path);
            Validate(path, header, maxDurationSeconds);
            var channels = header.Channels;
            var declaredFrames = header.DataBytes / header.BlockAlign;
            source.Position = 0;
            using var reader = new WaveFileReader(source);
            var provider = reader.ToSampleProvider();
            var interleaved = new List<float>((int)Math.Min(declaredFrames * channels, 1 << 24));
            var buffer = new float[8192];
            int read;
            while ((read = SampleProviderReading.ReadInto(provider, buffer)) > 0)
            {
                for (var k = 0; k < read; k++)
                {
                    if (!float.IsFinite(buffer[k]))
                    {
                        var index = (long)interleaved.Count + k;
                        throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                            $"Audio file '{path}' holds a non-finite sample ({buffer[k]}) at sample index {index} (frame {index / channels}, channel {(index % channels) + 1} of {channels}); every sample must be a finite number."));
                    }
                }

                interleaved.AddRange(buffer.AsSpan(0, read));
            }

            var frames = interleaved.Count / channels;
            if (frames < declaredFrames)
            {
                throw new InvalidDataException(
                    $"Audio file '{path}' is truncated: its header declares {declaredFrames} frames but it holds {frames} ({available} bytes).");
            }

            if (frames == 0)
            {
                throw new InvalidDataException($"Audio file '{path}' holds no audio samples.");
            }

            var samples = new float[frames];
            if (channels == 1)
            {
                interleaved.CopyTo(0, samples, 0, frames);
            }
            else
            {
                // As NAudio's StereoToMonoSampleProvider with both volumes at 0.5.
                for (var f = 0; f < frames; f++)
                {
                    samples[f] = (interleaved[2 * f] * 0.5f) + (interleaved[(2 * f) + 1] * 0.5f);
                }
            }

            return new AudioClip(samples, header.SampleRate);
        }
        catch (Exception ex) when (ex is not (InvalidDataException or OutOfMemoryException or UnauthorizedAccessException)
            && (ex is EndOfStreamException || ex is not IOException))
        {
            throw new InvalidDataException($"Audio file '{path}' is not a readable WAV file: {ex.Message}", ex);
        }
    }

    private static void Validate(string path, WaveHeader header, double maxDurationSeconds)
    {
        if (header.Channels < 1)
        {
            throw new InvalidDataException($"Audio file '{path}' declares {header.Channels} channels in its header; it needs at least 1.");
        }

        if (header.SampleRate is < MinSampleRate or > MaxSampleRate)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"Audio file '{path}' declares a sample rate of {header.SampleRate} Hz; it must be between {MinSampleRate} and {MaxSampleRate:N0} Hz."));
        }

        var supported = (header.Encoding == WaveFormatEncoding.Pcm && header.BitsPerSample is 8 or 16 or 24 or 32)
            || (header.Encoding == WaveFormatEncoding.IeeeFloat && header.BitsPerSample == 32);
        if (!supported)
        {
            throw new InvalidDataException(
                $"Audio file '{path}' uses {header.Encoding} with {header.BitsPerSample} bits per sample; supported are PCM 8/16/24/32-bit and 32-bit IEEE float.");
        }

        if (header.Channels > 2)
        {
            throw new InvalidDataException($"Audio file '{path}' has {header.Channels} channels; mono and stereo are supported.");
        }

        var blockAlign = header.Channels * header.BitsPerSample / 8;
        if (header.BlockAlign != blockAlign)
        {
            throw new InvalidDataException(
                $"Audio file '{path}' declares a block size of {header.BlockAlign} bytes; {header.Channels} channel(s) of {header.BitsPerSample} bits need {blockAlign}.");
        }

        var frames = header.DataBytes / header.BlockAlign;
        var seconds = (double)frames / header.SampleRate;
        if (seconds > maxDurationSeconds)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"Audio file '{path}' declares {seconds:0.###} s of audio ({frames} frames at {header.SampleRate} Hz), more than the maximum of {maxDurationSeconds:0.###} s (AudioFeatureOptions.MaxDurationSeconds)."));
        }
    }

    /// <summary>Reads the RIFF header, the "fmt " chunk and the size the "data" chunk declares (NAudio clamps its own
    /// length to the bytes present, which would hide truncation), without trusting any of it.</summary>
    private static WaveHeader ReadHeader(Stream stream, string path)
    {
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        var riff = stream.Length >= 12 ? reader.ReadBytes(12) : [];
        if (riff.Length < 12 || !riff.AsSpan(0, 4).SequenceEqual("RIFF"u8) || !riff.AsSpan(8, 4).SequenceEqual("WAVE"u8))
        {
            throw new InvalidDataException($"Audio file '{path}' is not a readable WAV file: it does not start with a RIFF/WAVE header.");
        }

        WaveHeader? format = null;
        while (stream.Position + 8 <= stream.Length)
        {
            var id = System.Text.Encoding.ASCII.GetString(reader.ReadBytes(4));
            var size = reader.ReadUInt32();
            var next = stream.Position + size + (size % 2);
            if (id == "fmt ")
            {
                if (size < 16 || stream.Position + 16 > stream.Length)
                {
                    throw new InvalidDataException($"Audio file '{path}' is not a readable WAV file: its 'fmt ' chunk has {size} bytes; it needs at least 16.");
                }

                var tag = (WaveFormatEncoding)reader.ReadUInt16();
                int channels = reader.ReadUInt16();
                var sampleRate = reader.ReadUInt32();
                _ = reader.ReadUInt32();
                int blockAlign = reader.ReadUInt16();
                int bits = reader.ReadUInt16();
                if (tag == WaveFormatEncoding.Extensible)
                {
                    if (size >= 40 && stream.Position + 24 <= stream.Length)
                    {
                        reader.ReadBytes(8);
                        var sub = new Guid(reader.ReadBytes(16));
                        tag = sub == PcmSubtype ? WaveFormatEncoding.Pcm
                            : sub == IeeeFloatSubtype ? WaveFormatEncoding.IeeeFloat
                            : WaveFormatEncoding.Extensible;
                    }
                }

                format = new WaveHeader(tag, channels, sampleRate > int.MaxValue ? int.MaxValue : (int)sampleRate, blockAlign, bits, 0);
            }
            else if (id == "data")
            {
                if (format is null)
                {
                    throw new InvalidDataException($"Audio file '{path}' is not a readable WAV file: its 'data' chunk comes before a 'fmt ' chunk.");
                }

                return format with { DataBytes = size };
            }

            stream.Position = next;
        }

        throw new InvalidDataException(format is null
            ? $"Audio file '{path}' is not a readable WAV file: it has no 'fmt ' chunk."
            : $"Audio file '{path}' is not a readable WAV file: it has no 'data' chunk.");
    }

    private sealed record WaveHeader(WaveFormatEncoding Encoding, int Channels, int SampleRate, int BlockAlign, int BitsPerSample, long DataBytes);
}
