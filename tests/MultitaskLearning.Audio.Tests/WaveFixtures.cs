using NAudio.Wave;

namespace MultitaskLearning.Audio.Tests;

/// <summary>Writes small WAV files of known content in every supported encoding.</summary>
internal sealed class WaveFixtures : IDisposable
{
    public WaveFixtures() => Folder = Directory.CreateTempSubdirectory("mtl-audio-").FullName;

    public string Folder { get; }

    public static float[] Sine(double frequency, int sampleRate, double seconds, float amplitude = 0.5f) =>
        Enumerable.Range(0, (int)(sampleRate * seconds)).Select(i => amplitude * (float)Math.Sin(2 * Math.PI * frequency * i / sampleRate)).ToArray();

    public string Write(string name, WaveFormat format, float[] left, float[]? right = null)
    {
        var path = Path.Combine(Folder, name);
        using var writer = new WaveFileWriter(path, format);
        if (format.BitsPerSample == 8)
        {
            // NAudio writes float samples only at 16 bits and more; 8-bit PCM is unsigned, 128 = silence.
            var bytes = left.Select(v => (byte)Math.Clamp(Math.Round((v * 128) + 128), 0, 255)).ToArray();
            writer.Write(bytes, 0, bytes.Length);
            return path;
        }

        if (format.Encoding == WaveFormatEncoding.Pcm && format.BitsPerSample == 32 && format.Channels == 1)
        {
            // NAudio 2 (the net8.0 build) writes float samples as 32-bit integer PCM only from version 3 on.
            var bytes = left.SelectMany(v => BitConverter.GetBytes((int)Math.Clamp(Math.Round(v * (double)int.MaxValue), int.MinValue, int.MaxValue))).ToArray();
            writer.Write(bytes, 0, bytes.Length);
            return path;
        }

        if (format.Channels == 1)
        {
            writer.WriteSamples(left, 0, left.Length);
        }
        else
        {
            var interleaved = new float[left.Length * 2];
            for (var i = 0; i < left.Length; i++)
            {
                interleaved[2 * i] = left[i];
                interleaved[(2 * i) + 1] = right![i];
            }

            writer.WriteSamples(interleaved, 0, interleaved.Length);
        }

        return path;
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
