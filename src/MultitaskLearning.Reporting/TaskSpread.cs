namespace MultitaskLearning.Reporting;

/// <summary>Summaries over tasks for charts with too many tasks to draw one line each: per epoch, the mean and the
/// 10th and 90th percentiles of the tasks' values (NaN values ignored).</summary>
internal static class TaskSpread
{
    public static (double Mean, double Low, double High) Summarise(IEnumerable<double> values)
    {
        var sorted = values.Where(double.IsFinite).Order().ToArray();
        if (sorted.Length == 0)
        {
            return (double.NaN, double.NaN, double.NaN);
        }

        return (sorted.Average(), Percentile(sorted, 0.1), Percentile(sorted, 0.9));
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
