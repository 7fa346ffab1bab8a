namespace MultitaskLearning.Audio;

/// <summary>Decoded mono audio: samples in [−1, 1] at a sample rate.</summary>
/// <param name="Samples">The samples.</param>
/// <param name="SampleRate">Samples per second.</param>
public sealed record AudioClip(float[] Samples, int SampleRate)
{
    /// <summary>The duration in seconds.</summary>
    public double Duration => (double)Samples.Length / SampleRate;
}
