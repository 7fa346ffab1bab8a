namespace MultitaskLearning.Data;

/// <summary>
/// Standardisation of a regression task's targets, computed from the training split and saved with the model.
/// The network learns t' = (t − <see cref="Mean"/>) / <see cref="Scale"/>; predictions are mapped back.
/// </summary>
public sealed class TargetStatistics
{
    /// <summary>Creates statistics from stored values.</summary>
    /// <param name="taskName">The task.</param>
    /// <param name="mean">Per-output centre.</param>
    /// <param name="scale">Per-output scale (&gt; 0).</param>
    public TargetStatistics(string taskName, float[] mean, float[] scale)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(scale);
        if (mean.Length != scale.Length || scale.Any(s => !(s > 0) || !float.IsFinite(s)) || mean.Any(m => !float.IsFinite(m)))
        {
            throw new ArgumentException($"Task '{taskName}': target statistics must be finite, of equal length, with positive scales.");
        }

        TaskName = taskName;
        Mean = mean;
        Scale = scale;
    }

    /// <summary>The task name.</summary>
    public string TaskName { get; }

    /// <summary>Per-output centre.</summary>
    public IReadOnlyList<float> Mean { get; }

    /// <summary>Per-output scale.</summary>
    public IReadOnlyList<float> Scale { get; }

    /// <summary>Computes the mean and standard deviation of the labelled rows.</summary>
    /// <param name="targets">The training targets of a regression task.</param>
    /// <returns>The statistics (scale 1 when a target is constant or has no labels).</returns>
    public static TargetStatistics Compute(TaskTargets targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var width = targets.Task.TargetWidth;
        var sums = new double[width];
        var squares = new double[width];
        long count = 0;
        for (var i = 0; i < targets.Count; i++)
        {
            if (!targets.RawPresent[i])
            {
                continue;
            }

            for (var j = 0; j < width; j++)
            {
                double v = targets.RawValues[(i * width) + j];
                sums[j] += v;
                squares[j] += v * v;
            }

            count++;
        }

        return FromSums(targets.Task.Name, count, sums, squares);
    }

    /// <summary>The statistics from the labelled rows' sums — the last step of <see cref="Compute"/>, shared with
    /// data that is read in parts (a shard store).</summary>
    /// <param name="taskName">The task.</param>
    /// <param name="count">The labelled rows.</param>
    /// <param name="sums">Per output, the sum of the targets (in row order, in double precision).</param>
    /// <param name="squares">Per output, the sum of the squared targets.</param>
    /// <returns>The statistics (scale 1 when a target is constant or has no labels).</returns>
    internal static TargetStatistics FromSums(string taskName, long count, IReadOnlyList<double> sums, IReadOnlyList<double> squares)
    {
        var width = sums.Count;
        var mean = new float[width];
        var scale = new float[width];
        for (var j = 0; j < width; j++)
        {
            var m = count == 0 ? 0 : sums[j] / count;
            var sd = count == 0 ? 0 : Math.Sqrt(Math.Max(0, (squares[j] / count) - (m * m)));
            mean[j] = (float)m;
            scale[j] = sd > 1e-8 * Math.Max(1, Math.Abs(m)) ? (float)sd : 1f;
        }

        return new TargetStatistics(taskName, mean, scale);
    }
}
