using NAudio.Wave;
using NAudio.Wave.SampleProviders;

namespace MultitaskLearning.Audio;

/// <summary>Changes a clip's sample rate with NAudio's managed WDL resampler (windowed-sinc, anti-aliased).</summary>
public static class Resampler
{
    /// <summary>Resamples a clip.</summary>
    /// <param name="clip">The clip.</param>
    /// <param name="sampleRate">The target rate.</param>
    /// <returns>The clip at the target rate (the same clip when the rates agree).</returns>
    public static AudioClip Resample(AudioClip clip, int sampleRate)
    {
        ArgumentNullException.ThrowIfNull(clip);
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRate, 1000);
        if (clip.SampleRate == sampleRate)
        {
            return clip;
        }

        var source = new ArraySampleProvider(clip.Samples, clip.SampleRate);
        var resampler = new WdlResamplingSampleProvider(source, sampleRate);
        var expected = (int)Math.Round((long)clip.Samples.Length * sampleRate / (double)clip.SampleRate);
        var output = new List<float>(expected + 1024);
        var buffer = new float[4096];
        int read;
        while ((read = SampleProviderReading.ReadInto(resampler, buffer)) > 0)
        {
            output.AddRange(buffer.AsSpan(0, read));
        }

        // The resampler may emit a few samples more or fewer at the end; keep the exact duration.
        var samples = new float[expected];
        output.CopyTo(0, samples, 0, Math.Min(expected, output.Count));
        return new AudioClip(samples, sampleRate);
    }

    /// <summary>A clip as NAudio's sample source. NAudio 3 (net9.0 and later) reads into spans, NAudio 2 (the net8.0
    /// build) into arrays.</summary>
    private sealed class ArraySampleProvider(float[] samples, int sampleRate) : ISampleProvider
    {
        private int position;

        public WaveFormat WaveFormat { get; } = WaveFormat.CreateIeeeFloatWaveFormat(sampleRate, 1);

        public int Read(Span<float> buffer)
        {
            var n = Math.Min(buffer.Length, samples.Length - position);
            samples.AsSpan(position, n).CopyTo(buffer);
            position += n;
            return n;
        }
#if !NET9_0_OR_GREATER

        public int Read(float[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
#endif
    }
}
