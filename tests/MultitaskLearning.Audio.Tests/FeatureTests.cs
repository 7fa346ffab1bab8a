using Xunit;

namespace MultitaskLearning.Audio.Tests;

/// <summary>Filterbank, DCT and features against values computed by hand (in the comments).</summary>
public sealed class FeatureTests
{
    [Fact]
    public void MelFilterbank_MatchesHandComputation()
    {
        // 2 bands, FFT 8 at 8 kHz (bins at 0, 1000, …, 4000 Hz), 0–4000 Hz. mel(4000) = 2595·log10(1 + 4000/700) = 2146.0645;
        // 4 equally spaced mel points 0, 715.355, 1430.710, 2146.065 are 0, 620.580, 1791.330, 4000 Hz.
        // Band 0 (0, 620.58, 1791.33): at 1000 Hz (1791.33 − 1000)/(1791.33 − 620.58) = 0.6759.
        // Band 1 (620.58, 1791.33, 4000): 1000 Hz → 379.42/1170.75 = 0.3241; 2000 Hz → 2000/2208.67 = 0.9055; 3000 Hz → 0.4528.
        var filters = MelFilterbank.Create(2, 8, 8000, 0, 4000);
        double[] band0 = [0, 0.6759, 0, 0, 0];
        double[] band1 = [0, 0.3241, 0.9055, 0.4528, 0];
        for (var k = 0; k < 5; k++)
        {
            Assert.Equal(band0[k], filters[0][k], 3);
            Assert.Equal(band1[k], filters[1][k], 3);
        }

        Assert.Equal(620.580, MelFilterbank.MelToHertz(2146.0645 / 3), 3);
        Assert.Equal(2146.0645, MelFilterbank.HertzToMel(4000), 4);
    }

    [Fact]
    public void Dct_IsOrthonormalTypeTwo()
    {
        // N = 4: row 0 = 1/2 everywhere; row 1 = √(1/2)·cos(π(2n+1)/8) = 0.65328, 0.27060, −0.27060, −0.65328.
        var dct = DiscreteCosineTransform.Matrix(4, 4);
        Assert.All(dct[0], v => Assert.Equal(0.5, v, 12));
        double[] row1 = [0.65328, 0.27060, -0.27060, -0.65328];
        for (var n = 0; n < 4; n++)
        {
            Assert.Equal(row1[n], dct[1][n], 5);
        }

        for (var i = 0; i < 4; i++)
        {
            for (var j = 0; j < 4; j++)
            {
                Assert.Equal(i == j ? 1 : 0, Enumerable.Range(0, 4).Sum(n => dct[i][n] * dct[j][n]), 12);
            }
        }
    }

    [Fact]
    public void LogMel_PureTone_PeaksInTheBandOfItsFrequency()
    {
        var options = new AudioFeatureOptions { SampleRate = 8000, DurationSeconds = 0.5, FftSize = 256, HopLength = 128, MelBands = 20, MinFrequency = 0 };
        var extractor = new AudioFeatureExtractor(options);
        var features = extractor.Extract(new AudioClip(WaveFixtures.Sine(1000, 8000, 0.5), 8000));
        Assert.Equal(options.FeatureRows * options.FrameCount, features.Length);
        var frame = options.FrameCount / 2;
        var loudest = Enumerable.Range(0, 20).MaxBy(m => features[(m * options.FrameCount) + frame]);
        var filters = MelFilterbank.Create(20, 256, 8000, 0, 4000);
        var expected = Enumerable.Range(0, 20).MaxBy(m => filters[m][32]); // 1000 Hz is bin 32
        Assert.Equal(expected, loudest);
    }

    [Fact]
    public void Mfcc_IsTheDctOfLogMel()
    {
        var logMel = new AudioFeatureExtractor(new AudioFeatureOptions { SampleRate = 8000, MelBands = 10, FftSize = 256, HopLength = 128, DurationSeconds = 0.2 });
        var mfcc = new AudioFeatureExtractor(new AudioFeatureOptions { SampleRate = 8000, MelBands = 10, MfccCoefficients = 4, FftSize = 256, HopLength = 128, DurationSeconds = 0.2 });
        var clip = new AudioClip(WaveFixtures.Sine(700, 8000, 0.2), 8000);
        var a = logMel.Extract(clip);
        var b = mfcc.Extract(clip);
        var frames = logMel.Options.FrameCount;
        var dct = DiscreteCosineTransform.Matrix(4, 10);
        for (var k = 0; k < 4; k++)
        {
            var expected = Enumerable.Range(0, 10).Sum(m => dct[k][m] * a[(m * frames) + 1]);
            Assert.Equal(expected, b[(k * frames) + 1], 3);
        }
    }

    [Fact]
    public void Options_Invalid_ReportsAll()
    {
        var error = Assert.Throws<ArgumentException>(() => new AudioFeatureOptions { FftSize = 500, MelBands = 0 }.Validate());
        Assert.Contains("FftSize must be a power of two >= 16. Got 500 instead.", error.Message);
        Assert.Contains("MelBands must be >= 1. Got 0 instead.", error.Message);
    }
}
