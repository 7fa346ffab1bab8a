using System.Globalization;

namespace MultitaskLearning.Audio;

/// <summary>How audio becomes a feature matrix: resampling, fixed duration, short-time Fourier transform, mel
/// filterbank and optional MFCC.</summary>
public sealed class AudioFeatureOptions
{
    /// <summary>The rate every clip is resampled to.</summary>
    /// <value>Default 16,000 Hz. At least 1,000.</value>
    public int SampleRate { get; set; } = 16_000;

    /// <summary>Every clip is trimmed or zero-padded at the end to this duration.</summary>
    /// <value>Default 1 s. &gt; 0.</value>
    public double DurationSeconds { get; set; } = 1.0;

    /// <summary>The longest audio file accepted, in seconds of audio declared by its header (checked before any sample
    /// is read, so a corrupt or hostile header cannot make the reader allocate or read gigabytes). A longer file is bad
    /// input (an <see cref="InvalidDataException"/> naming it, or skipped and reported). Not part of the feature cache
    /// key: it decides whether a file is accepted, not its features.</summary>
    /// <value>Default 600 s (<see cref="WaveDecoder.DefaultMaxDurationSeconds"/>). &gt; 0.</value>
    public double MaxDurationSeconds { get; set; } = WaveDecoder.DefaultMaxDurationSeconds;

    /// <summary>FFT size (and Hann window length) in samples.</summary>
    /// <value>Default 512. A power of two ≥ 16.</value>
    public int FftSize { get; set; } = 512;

    /// <summary>Samples between frames.</summary>
    /// <value>Default 160 (10 ms at 16 kHz). At least 1.</value>
    public int HopLength { get; set; } = 160;

    /// <summary>Mel bands of the filterbank.</summary>
    /// <value>Default 40. At least 1.</value>
    public int MelBands { get; set; } = 40;

    /// <summary>MFCC coefficients (DCT-II of the log-mel energies); 0 gives log-mel features.</summary>
    /// <value>Default 0. In [0, <see cref="MelBands"/>].</value>
    public int MfccCoefficients { get; set; }

    /// <summary>The lowest filterbank frequency.</summary>
    /// <value>Default 20 Hz.</value>
    public double MinFrequency { get; set; } = 20;

    /// <summary>The highest filterbank frequency; <see langword="null"/> for half the sample rate.</summary>
    /// <value>Default <see langword="null"/>.</value>
    public double? MaxFrequency { get; set; }

    /// <summary>Samples per clip after trimming or padding.</summary>
    public int SampleCount => (int)Math.Round(SampleRate * DurationSeconds);

    /// <summary>Frames per clip: 1 + (samples − FFT size) / hop.</summary>
    public int FrameCount => 1 + ((SampleCount - FftSize) / HopLength);

    /// <summary>Feature rows: mel bands, or MFCC coefficients.</summary>
    public int FeatureRows => MfccCoefficients > 0 ? MfccCoefficients : MelBands;

    /// <summary>The sample shape of the features, [1, rows, frames] (one channel, for convolutional encoders).</summary>
    public int[] FeatureShape => [1, FeatureRows, FrameCount];

    /// <summary>A canonical description of every setting, part of the feature cache key.</summary>
    /// <returns>The description.</returns>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"sr={SampleRate};dur={DurationSeconds:R};fft={FftSize};hop={HopLength};mels={MelBands};mfcc={MfccCoefficients};fmin={MinFrequency:R};fmax={MaxFrequency ?? (SampleRate / 2.0):R}");

    /// <summary>Checks every property and reports all problems at once.</summary>
    /// <exception cref="ArgumentException">Some settings are out of range.</exception>
    public void Validate()
    {
        var errors = new List<string>();
        if (SampleRate < 1000)
        {
            errors.Add($"SampleRate must be >= 1000. Got {SampleRate} instead.");
        }

        if (!(DurationSeconds > 0) || !double.IsFinite(DurationSeconds))
        {
            errors.Add($"DurationSeconds must be > 0. Got {DurationSeconds} instead.");
        }

        if (!(MaxDurationSeconds > 0))
        {
            errors.Add($"MaxDurationSeconds must be > 0. Got {MaxDurationSeconds} instead.");
        }

        if (FftSize < 16 || (FftSize & (FftSize - 1)) != 0)
        {
            errors.Add($"FftSize must be a power of two >= 16. Got {FftSize} instead.");
        }

        if (HopLength < 1)
        {
            errors.Add($"HopLength must be >= 1. Got {HopLength} instead.");
        }

        if (MelBands < 1)
        {
            errors.Add($"MelBands must be >= 1. Got {MelBands} instead.");
        }

        if (MfccCoefficients < 0 || MfccCoefficients > MelBands)
        {
            errors.Add($"MfccCoefficients must be in [0, MelBands]. Got {MfccCoefficients} instead.");
        }

        var maxFrequency = MaxFrequency ?? (SampleRate / 2.0);
        if (MinFrequency < 0 || maxFrequency > SampleRate / 2.0 || MinFrequency >= maxFrequency)
        {
            errors.Add($"Need 0 <= MinFrequency < MaxFrequency <= SampleRate/2. Got {MinFrequency} and {maxFrequency} instead.");
        }

        if (errors.Count == 0 && SampleCount < FftSize)
        {
            errors.Add($"DurationSeconds × SampleRate = {SampleCount} samples is shorter than one FFT frame ({FftSize}).");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid audio feature options: " + string.Join(" ", errors));
        }
    }
}
