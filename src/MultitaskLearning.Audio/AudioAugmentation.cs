namespace MultitaskLearning.Audio;

/// <summary>
/// Seeded augmentation of training audio: each copy shifts the waveform in time (zero-filled), adds Gaussian noise,
/// and applies SpecAugment masks (Park et al., 2019) to the features — frequency bands and frame ranges set to the
/// clip's mean feature value. Copies are made once, when the dataset is built; epochs do not decode again.
/// </summary>
public sealed class AudioAugmentation
{
    /// <summary>Augmented copies per training file.</summary>
    /// <value>Default 1. At least 0.</value>
    public int Copies { get; set; } = 1;

    /// <summary>The largest time shift, either way.</summary>
    /// <value>Default 0.1 s. At least 0.</value>
    public double MaxShiftSeconds { get; set; } = 0.1;

    /// <summary>Standard deviation of the added noise, relative to the clip's RMS level.</summary>
    /// <value>Default 0.05. At least 0.</value>
    public double NoiseLevel { get; set; } = 0.05;

    /// <summary>Frequency masks per copy, each up to <see cref="MaxFrequencyMaskWidth"/> rows wide.</summary>
    /// <value>Default 1.</value>
    public int FrequencyMasks { get; set; } = 1;

    /// <summary>The widest frequency mask, in feature rows.</summary>
    /// <value>Default 4.</value>
    public int MaxFrequencyMaskWidth { get; set; } = 4;

    /// <summary>Time masks per copy, each up to <see cref="MaxTimeMaskWidth"/> frames wide.</summary>
    /// <value>Default 1.</value>
    public int TimeMasks { get; set; } = 1;

    /// <summary>The widest time mask, in frames.</summary>
    /// <value>Default 8.</value>
    public int MaxTimeMaskWidth { get; set; } = 8;

    /// <summary>The seed.</summary>
    /// <value>Default 0.</value>
    public int Seed { get; set; }

    /// <summary>One augmented feature matrix of a file.</summary>
    /// <param name="path">The WAV file.</param>
    /// <param name="extractor">The feature extractor.</param>
    /// <param name="random">The seeded generator of this copy.</param>
    /// <returns>Row-major features.</returns>
    public float[] Apply(string path, AudioFeatureExtractor extractor, Random random)
    {
        ArgumentNullException.ThrowIfNull(extractor);
        ArgumentNullException.ThrowIfNull(random);
        var options = extractor.Options;
        var clip = Resampler.Resample(WaveDecoder.Decode(path, options.MaxDurationSeconds), options.SampleRate);
        var samples = new float[options.SampleCount];
        var shift = (int)Math.Round(((random.NextDouble() * 2) - 1) * MaxShiftSeconds * options.SampleRate);
        for (var i = 0; i < samples.Length; i++)
        {
            var source = i - shift;
            samples[i] = source >= 0 && source < clip.Samples.Length ? clip.Samples[source] : 0f;
        }

        var rms = Math.Sqrt(clip.Samples.Average(v => (double)v * v));
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] += (float)(NoiseLevel * rms * Gaussian(random));
        }

        var features = extractor.ExtractFixed(samples);
        var rows = options.FeatureRows;
        var frames = options.FrameCount;
        var fill = features.Average();
        for (var m = 0; m < FrequencyMasks; m++)
        {
            var width = random.Next(0, Math.Min(MaxFrequencyMaskWidth, rows) + 1);
            var start = random.Next(0, rows - width + 1);
            for (var r = start; r < start + width; r++)
            {
                Array.Fill(features, fill, r * frames, frames);
            }
        }

        for (var m = 0; m < TimeMasks; m++)
        {
            var width = random.Next(0, Math.Min(MaxTimeMaskWidth, frames) + 1);
            var start = random.Next(0, frames - width + 1);
            for (var r = 0; r < rows; r++)
            {
                Array.Fill(features, fill, (r * frames) + start, width);
            }
        }

        return features;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
