using System.Numerics;
using MathNet.Numerics.IntegralTransforms;

namespace MultitaskLearning.Audio;

/// <summary>
/// Turns a clip into features: resample, trim or pad to the configured duration, frame with a periodic Hann window,
/// power spectrum |FFT|² (MathNet), mel filterbank, log(energy + 1e−6), and optionally the orthonormal DCT-II (MFCC).
/// The output is row-major [rows, frames] (row = mel band or coefficient). Thread-safe.
/// </summary>
public sealed class AudioFeatureExtractor
{
    private readonly double[][] filters;
    private readonly double[][]? dct;
    private readonly double[] window;

    /// <summary>Creates an extractor.</summary>
    /// <param name="options">The feature settings (validated now).</param>
    public AudioFeatureExtractor(AudioFeatureOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        filters = MelFilterbank.Create(options.MelBands, options.FftSize, options.SampleRate, options.MinFrequency, options.MaxFrequency ?? (options.SampleRate / 2.0));
        dct = options.MfccCoefficients > 0 ? DiscreteCosineTransform.Matrix(options.MfccCoefficients, options.MelBands) : null;
        window = Enumerable.Range(0, options.FftSize).Select(n => 0.5 - (0.5 * Math.Cos(2 * Math.PI * n / options.FftSize))).ToArray();
    }

    /// <summary>The settings.</summary>
    public AudioFeatureOptions Options { get; }

    /// <summary>Features of a clip.</summary>
    /// <param name="clip">The clip at any sample rate.</param>
    /// <returns>Row-major [<see cref="AudioFeatureOptions.FeatureRows"/>, <see cref="AudioFeatureOptions.FrameCount"/>].</returns>
    public float[] Extract(AudioClip clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        var resampled = Resampler.Resample(clip, Options.SampleRate);
        var samples = new float[Options.SampleCount];
        Array.Copy(resampled.Samples, samples, Math.Min(samples.Length, resampled.Samples.Length));
        return ExtractFixed(samples);
    }

    /// <summary>Features of samples already at <see cref="AudioFeatureOptions.SampleRate"/> and of length <see cref="AudioFeatureOptions.SampleCount"/>.</summary>
    /// <param name="samples">The samples.</param>
    /// <returns>Row-major features.</returns>
    public float[] ExtractFixed(float[] samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        int frames = Options.FrameCount, fft = Options.FftSize, bins = (fft / 2) + 1, bands = Options.MelBands;
        var rows = Options.FeatureRows;
        var output = new float[rows * frames];
        var buffer = new Complex[fft];
        var power = new double[bins];
        var logMel = new double[bands];
        for (var t = 0; t < frames; t++)
        {
            var start = t * Options.HopLength;
            for (var n = 0; n < fft; n++)
            {
                buffer[n] = new Complex(samples[start + n] * window[n], 0);
            }

            Fourier.Forward(buffer, FourierOptions.Matlab);
            for (var k = 0; k < bins; k++)
            {
                power[k] = (buffer[k].Real * buffer[k].Real) + (buffer[k].Imaginary * buffer[k].Imaginary);
            }

            for (var m = 0; m < bands; m++)
            {
                double energy = 0;
                var filter = filters[m];
                for (var k = 0; k < bins; k++)
                {
                    energy += filter[k] * power[k];
                }

                logMel[m] = Math.Log(energy + 1e-6);
            }

            for (var r = 0; r < rows; r++)
            {
                double value;
                if (dct is null)
                {
                    value = logMel[r];
                }
                else
                {
                    value = 0;
                    for (var m = 0; m < bands; m++)
                    {
                        value += dct[r][m] * logMel[m];
                    }
                }

                output[(r * frames) + t] = (float)value;
            }
        }

        return output;
    }
}
