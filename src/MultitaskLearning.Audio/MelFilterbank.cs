namespace MultitaskLearning.Audio;

/// <summary>
/// Triangular filters equally spaced on the HTK mel scale, mel(f) = 2595 · log10(1 + f/700): filter m rises linearly
/// from frequency f_{m−1} to f_m and falls to f_{m+1}, where f_0 … f_{M+1} are M + 2 points equally spaced in mel
/// between the minimum and maximum frequency; weights are evaluated at the FFT bin frequencies k · rate / n_fft
/// (unnormalised, as librosa's <c>mel(htk=True, norm=None)</c>).
/// </summary>
public static class MelFilterbank
{
    /// <summary>Converts hertz to mel.</summary>
    /// <param name="hertz">The frequency.</param>
    /// <returns>The mel value.</returns>
    public static double HertzToMel(double hertz) => 2595 * Math.Log10(1 + (hertz / 700));

    /// <summary>Converts mel to hertz.</summary>
    /// <param name="mel">The mel value.</param>
    /// <returns>The frequency.</returns>
    public static double MelToHertz(double mel) => 700 * (Math.Pow(10, mel / 2595) - 1);

    /// <summary>Builds the filterbank.</summary>
    /// <param name="bands">The number of filters M.</param>
    /// <param name="fftSize">The FFT size; filters cover bins 0 … fftSize/2.</param>
    /// <param name="sampleRate">The sample rate.</param>
    /// <param name="minFrequency">The lowest frequency.</param>
    /// <param name="maxFrequency">The highest frequency.</param>
    /// <returns>Weights [band][bin].</returns>
    public static double[][] Create(int bands, int fftSize, int sampleRate, double minFrequency, double maxFrequency)
    {
        var bins = (fftSize / 2) + 1;
        var low = HertzToMel(minFrequency);
        var high = HertzToMel(maxFrequency);
        var edges = Enumerable.Range(0, bands + 2).Select(i => MelToHertz(low + ((high - low) * i / (bands + 1)))).ToArray();
        var filters = new double[bands][];
        for (var m = 0; m < bands; m++)
        {
            filters[m] = new double[bins];
            double left = edges[m], centre = edges[m + 1], right = edges[m + 2];
            for (var k = 0; k < bins; k++)
            {
                var f = (double)k * sampleRate / fftSize;
                var rising = (f - left) / (centre - left);
                var falling = (right - f) / (right - centre);
                filters[m][k] = Math.Max(0, Math.Min(rising, falling));
            }
        }

        return filters;
    }
}
