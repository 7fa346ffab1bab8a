namespace MultitaskLearning.Evaluation;

/// <summary>Regression metrics on plain arrays.</summary>
public static class RegressionMetrics
{
    /// <summary>Mean squared error (1/n) Σ (y − ŷ)².</summary>
    /// <param name="truth">True values y.</param>
    /// <param name="predicted">Predictions ŷ.</param>
    /// <returns>The MSE; NaN for no samples.</returns>
    public static double MeanSquaredError(IReadOnlyList<double> truth, IReadOnlyList<double> predicted)
    {
        CheckLengths(truth, predicted);
        return truth.Count == 0 ? double.NaN : SumOfSquaredErrors(truth, predicted) / truth.Count;
    }

    /// <summary>Mean absolute error (1/n) Σ |y − ŷ|.</summary>
    /// <param name="truth">True values y.</param>
    /// <param name="predicted">Predictions ŷ.</param>
    /// <returns>The MAE; NaN for no samples.</returns>
    public static double MeanAbsoluteError(IReadOnlyList<double> truth, IReadOnlyList<double> predicted)
    {
        CheckLengths(truth, predicted);
        if (truth.Count == 0)
        {
            return double.NaN;
        }

        double sum = 0;
        for (var i = 0; i < truth.Count; i++)
        {
            sum += Math.Abs(truth[i] - predicted[i]);
        }

        return sum / truth.Count;
    }

    /// <summary>Coefficient of determination 1 − SSE/SST with SST = Σ (y − ȳ)². This is also the "explained variance"
    /// of the multitask literature on the School data (Argyriou, Evgeniou and Pontil) when computed over pooled rows.</summary>
    /// <param name="truth">True values y.</param>
    /// <param name="predicted">Predictions ŷ.</param>
    /// <returns>R²; NaN for no samples or constant truth.</returns>
    public static double RSquared(IReadOnlyList<double> truth, IReadOnlyList<double> predicted)
    {
        CheckLengths(truth, predicted);
        if (truth.Count == 0)
        {
            return double.NaN;
        }

        var mean = truth.Average();
        double sst = 0;
        foreach (var y in truth)
        {
            sst += (y - mean) * (y - mean);
        }

        return sst == 0 ? double.NaN : 1 - (SumOfSquaredErrors(truth, predicted) / sst);
    }

    /// <summary>Explained variance 1 − Var(y − ŷ)/Var(y) (scikit-learn's <c>explained_variance_score</c>); unlike R² it
    /// ignores a constant bias of the predictions.</summary>
    /// <param name="truth">True values y.</param>
    /// <param name="predicted">Predictions ŷ.</param>
    /// <returns>The explained variance; NaN for no samples or constant truth.</returns>
    public static double ExplainedVariance(IReadOnlyList<double> truth, IReadOnlyList<double> predicted)
    {
        CheckLengths(truth, predicted);
        if (truth.Count == 0)
        {
            return double.NaN;
        }

        var residuals = truth.Select((y, i) => y - predicted[i]).ToArray();
        var truthVariance = Variance(truth);
        return truthVariance == 0 ? double.NaN : 1 - (Variance(residuals) / truthVariance);
    }

    private static double Variance(IReadOnlyList<double> values)
    {
        var mean = values.Average();
        double sum = 0;
        foreach (var v in values)
        {
            sum += (v - mean) * (v - mean);
        }

        return sum / values.Count;
    }

    private static double SumOfSquaredErrors(IReadOnlyList<double> truth, IReadOnlyList<double> predicted)
    {
        double sum = 0;
        for (var i = 0; i < truth.Count; i++)
        {
            var e = truth[i] - predicted[i];
            sum += e * e;
        }

        return sum;
    }

    private static void CheckLengths(IReadOnlyList<double> truth, IReadOnlyList<double> predicted)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(predicted);
        if (truth.Count != predicted.Count)
        {
            throw new ArgumentException($"{truth.Count} true values but {predicted.Count} predictions.", nameof(predicted));
        }
    }
}
