namespace MultitaskLearning.Reporting;

/// <summary>Summaries over tasks for charts with too many tasks to draw one line each: per epoch, the median and the
/// 10th and 90th percentiles of the tasks' values (NaN values ignored). The median, not the mean: a few tasks with tiny
/// validation sets can have wild values (an R² of −50), which would drag a mean far from every typical task.</summary>
internal static class TaskSpread
{
    public static (double Median, double Low, double High) Summarise(IEnumerable<double> values)
    {
        var sorted = values.Where(double.IsFinite).Order().ToArray();
        if (sorted.Length == 0)
        {
            return (double.NaN, double.NaN, double.NaN);
        }

        return (Percentile(sorted, 0.5), Percentile(sorted, 0.1), Percentile(sorted, 0.9));
    }

    /// <summary>Linear interpolation between closest ranks (numpy's default).</summary>
    private static double Percentile(double[] sorted, double fraction)
    {
        var position = fraction * (sorted.Length - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + ((position - below) * (sorted[above] - sorted[below]));
    }
}
