namespace MultitaskLearning.Linear;

/// <summary>The metrics a <see cref="LinearMultitaskModel"/> reports.</summary>
public static class LinearMetrics
{
    /// <summary>Mean squared error.</summary>
    /// <param name="truth">y.</param>
    /// <param name="predicted">ŷ.</param>
    /// <returns>(1/n) Σ (y − ŷ)².</returns>
    public static double MeanSquaredError(IReadOnlyList<double> truth, IReadOnlyList<double> predicted) =>
        truth.Select((y, i) => (y - predicted[i]) * (y - predicted[i])).Average();

    /// <summary>Explained variance as in the multitask literature on School: 1 − SSE/SST with SST around the mean of <paramref name="truth"/>.</summary>
    /// <param name="truth">y.</param>
    /// <param name="predicted">ŷ.</param>
    /// <returns>1 − Σ(y − ŷ)² / Σ(y − ȳ)².</returns>
    public static double ExplainedVariance(IReadOnlyList<double> truth, IReadOnlyList<double> predicted)
    {
        var mean = truth.Average();
        var sst = truth.Sum(y => (y - mean) * (y - mean));
        var sse = truth.Select((y, i) => (y - predicted[i]) * (y - predicted[i])).Sum();
        return sst == 0 ? double.NaN : 1 - (sse / sst);
    }

    /// <summary>Fraction of correct decisions at probability 0.5; labels &gt; 0 are positive.</summary>
    /// <param name="labels">Labels (±1 or 0/1).</param>
    /// <param name="probabilities">Predicted probabilities of the positive class.</param>
    /// <returns>The accuracy.</returns>
    public static double Accuracy(IReadOnlyList<double> labels, IReadOnlyList<double> probabilities) =>
        labels.Select((y, i) => (y > 0) == (probabilities[i] >= 0.5) ? 1.0 : 0.0).Average();

    /// <summary>Area under the ROC curve: the probability that a random positive scores above a random negative
    /// (ties count one half; Mann–Whitney U over average ranks).</summary>
    /// <param name="labels">Labels (±1 or 0/1).</param>
    /// <param name="scores">Scores or probabilities.</param>
    /// <returns>The AUC; NaN when one class is absent.</returns>
    public static double AreaUnderRocCurve(IReadOnlyList<double> labels, IReadOnlyList<double> scores)
    {
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        var ranks = new double[scores.Count];
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && scores[order[end + 1]] == scores[order[start]])
            {
                end++;
            }

            var rank = ((start + end) / 2.0) + 1;
            for (var k = start; k <= end; k++)
            {
                ranks[order[k]] = rank;
            }

            start = end + 1;
        }

        var positives = labels.Count(y => y > 0);
        var negatives = labels.Count - positives;
        if (positives == 0 || negatives == 0)
        {
            return double.NaN;
        }

        var positiveRankSum = labels.Select((y, i) => y > 0 ? ranks[i] : 0).Sum();
        return (positiveRankSum - (positives * (positives + 1) / 2.0)) / ((double)positives * negatives);
    }
}
