using System.Globalization;

namespace MultitaskLearning.Benchmarks;

/// <summary>Median and range of repeated measurements.</summary>
internal readonly record struct Summary(double Median, double Min, double Max, int Count)
{
    public static Summary Of(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        if (sorted.Length == 0)
        {
            return new Summary(double.NaN, double.NaN, double.NaN, 0);
        }

        var m = sorted.Length / 2;
        var median = sorted.Length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
        return new Summary(median, sorted[0], sorted[^1], sorted.Length);
    }

    /// <summary>The least-squares slope of <paramref name="ys"/> against <paramref name="xs"/>.</summary>
    public static double Slope(IReadOnlyList<double> xs, IReadOnlyList<double> ys)
    {
        double mx = xs.Average(), my = ys.Average();
        return xs.Zip(ys, (x, y) => (x - mx) * (y - my)).Sum() / xs.Sum(x => (x - mx) * (x - mx));
    }

    /// <summary>The median seconds of <paramref name="runs"/> timed calls of <paramref name="action"/>, after
    /// <paramref name="warmups"/> untimed ones.</summary>
    public static double MedianSeconds(Action action, int warmups = 20, int runs = 200)
    {
        for (var i = 0; i < warmups; i++)
        {
            action();
        }

        var times = new double[runs];
        for (var r = 0; r < runs; r++)
        {
            var start = System.Diagnostics.Stopwatch.GetTimestamp();
            action();
            times[r] = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds;
        }

        return Of(times).Median;
    }

    /// <summary>"median (min–max)" with the given format.</summary>
    public string Format(string format) => Count == 0
        ? "n/a"
        : string.Create(CultureInfo.InvariantCulture, $"{Median.ToString(format, CultureInfo.InvariantCulture)} ({Min.ToString(format, CultureInfo.InvariantCulture)}–{Max.ToString(format, CultureInfo.InvariantCulture)})");
}
