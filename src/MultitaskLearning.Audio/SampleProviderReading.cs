using NAudio.Wave;

namespace MultitaskLearning.Audio;

/// <summary>Reads from an NAudio sample source on either NAudio generation: NAudio 3 (the net9.0-and-later build)
/// reads into spans, NAudio 2 (the net8.0 build) into arrays.</summary>
internal static class SampleProviderReading
{
    /// <summary>Fills as much of <paramref name="buffer"/> as the source has.</summary>
    /// <param name="provider">The source.</param>
    /// <param name="buffer">The buffer.</param>
    /// <returns>The number of samples read; 0 at the end.</returns>
    public static int ReadInto(ISampleProvider provider, float[] buffer)
    {
#if NET9_0_OR_GREATER
        return provider.Read(buffer.AsSpan());
#else
        return provider.Read(buffer, 0, buffer.Length);
#endif
    }
}
