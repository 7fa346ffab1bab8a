using MultitaskLearning.Kernels;

namespace MultitaskLearning.Data;

/// <summary>
/// Per-feature preprocessing of one input, computed from the training split only and saved with the model:
/// a missing value is replaced by <see cref="Fill"/>, then x' = (x − <see cref="Mean"/>) / <see cref="Scale"/>.
/// </summary>
public sealed class FeatureStatistics
{
    /// <summary>Creates statistics from stored values.</summary>
    /// <param name="inputName">The input they belong to.</param>
    /// <param name="mean">Per-feature centre.</param>
    /// <param name="scale">Per-feature scale (&gt; 0).</param>
    /// <param name="fill">Per-feature replacement of missing values.</param>
    public FeatureStatistics(string inputName, float[] mean, float[] scale, float[] fill)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(scale);
        ArgumentNullException.ThrowIfNull(fill);
        if (mean.Length != scale.Length || mean.Length != fill.Length)
        {
            throw new ArgumentException($"Input '{inputName}': statistics have {mean.Length} means, {scale.Length} scales and {fill.Length} fill values.");
        }

        if (scale.Any(s => !(s > 0) || !float.IsFinite(s)) || mean.Any(m => !float.IsFinite(m)) || fill.Any(f => !float.IsFinite(f)))
        {
            throw new ArgumentException($"Input '{inputName}': statistics must be finite with positive scales.");
        }

        InputName = inputName;
        Mean = mean;
        Scale = scale;
        Fill = fill;
    }

    /// <summary>The input name.</summary>
    public string InputName { get; }

    /// <summary>Per-feature centre.</summary>
    public IReadOnlyList<float> Mean { get; }

    /// <summary>Per-feature scale.</summary>
    public IReadOnlyList<float> Scale { get; }

    /// <summary>Per-feature replacement of missing values.</summary>
    public IReadOnlyList<float> Fill { get; }

    /// <summary>Computes statistics from a table's rows.</summary>
    /// <param name="table">The training rows.</param>
    /// <param name="standardize">Whether to centre and scale (otherwise mean 0, scale 1).</param>
    /// <param name="missing">How missing values are filled.</param>
    /// <returns>The statistics.</returns>
    /// <exception cref="InvalidDataException">A value is missing and <paramref name="missing"/> is <see cref="MissingValuePolicy.Error"/>,
    /// or a feature has no observed value.</exception>
    public static FeatureStatistics Compute(InputTable table, bool standardize, MissingValuePolicy missing)
    {
        ArgumentNullException.ThrowIfNull(table);
        int n = table.Count, d = table.SampleSize;
        var values = table.RawValues;
        var observed = new long[d];
        var means = new double[d];
        var variances = new double[d];
        var medians = missing == MissingValuePolicy.Median ? new double[d] : null;
        var column = new List<double>(n);
        for (var j = 0; j < d; j++)
        {
            column.Clear();
            for (var i = 0; i < n; i++)
            {
                var v = values[(i * d) + j];
                if (float.IsNaN(v))
                {
                    if (missing == MissingValuePolicy.Error)
                    {
                        throw new InvalidDataException(
                            $"Input '{table.Name}', row {i}, feature {j}: the value is missing (NaN). Choose a MissingValuePolicy (Mean or Median) for this input, or clean the data.");
                    }

                    continue;
                }

                column.Add(v);
            }

            observed[j] = column.Count;
            means[j] = column.Count == 0 ? 0 : column.Average();
            var m = means[j];
            variances[j] = column.Count == 0 ? 0 : column.Sum(v => (v - m) * (v - m)) / column.Count;
            if (medians is not null)
            {
                medians[j] = Median(column);
            }
        }

        return FromMoments(table.Name, n, observed, means, variances, medians, standardize, missing);
    }

    /// <summary>The statistics from each feature's moments over the training rows — the last step of
    /// <see cref="Compute"/>, shared with data that is read in parts (a shard store).</summary>
    /// <param name="inputName">The input.</param>
    /// <param name="rows">The number of training rows.</param>
    /// <param name="observed">Per feature, the rows with a value (not NaN).</param>
    /// <param name="means">Per feature, the mean of the observed values (summed in row order, in double precision).</param>
    /// <param name="variances">Per feature, the mean squared deviation from that mean.</param>
    /// <param name="medians">Per feature, the median of the observed values; needed only for <see cref="MissingValuePolicy.Median"/>.</param>
    /// <param name="standardize">Whether to centre and scale (otherwise mean 0, scale 1).</param>
    /// <param name="missing">How missing values are filled.</param>
    /// <returns>The statistics.</returns>
    /// <exception cref="InvalidDataException">A feature has no observed value.</exception>
    internal static FeatureStatistics FromMoments(
        string inputName, long rows, IReadOnlyList<long> observed, IReadOnlyList<double> means, IReadOnlyList<double> variances,
        IReadOnlyList<double>? medians, bool standardize, MissingValuePolicy missing)
    {
        var d = means.Count;
        var mean = new float[d];
        var scale = new float[d];
        var fill = new float[d];
        for (var j = 0; j < d; j++)
        {
            if (observed[j] == 0 && rows > 0)
            {
                throw new InvalidDataException($"Input '{inputName}', feature {j}: no training row has a value, so it cannot be imputed.");
            }

            double m = means[j];
            fill[j] = missing == MissingValuePolicy.Median
                ? (float)(medians ?? throw new ArgumentException($"Input '{inputName}': the Median policy needs each feature's median.", nameof(medians)))[j]
                : (float)m;
            if (standardize)
            {
                mean[j] = (float)m;
                var sd = Math.Sqrt(variances[j]);
                scale[j] = sd > 1e-8 * Math.Max(1, Math.Abs(m)) ? (float)sd : 1f;
            }
            else
            {
                scale[j] = 1f;
            }
        }

        return new FeatureStatistics(inputName, mean, scale, fill);
    }

    /// <summary>Applies the preprocessing in place to row-major samples of this input.</summary>
    /// <param name="values">Samples, each of <see cref="Mean"/>.Count values.</param>
    public void ApplyInPlace(Span<float> values)
    {
        var d = Mean.Count;
        if (values.Length % d != 0)
        {
            throw new ArgumentException($"Input '{InputName}': {values.Length} values are not whole samples of {d} features.", nameof(values));
        }

        float[] mean = [.. Mean], scale = [.. Scale], fill = [.. Fill];
        for (var start = 0; start < values.Length; start += d)
        {
            VectorMath.Standardize(values.Slice(start, d), mean, scale, fill);
        }
    }

    private static double Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
