using MathNet.Numerics.LinearAlgebra;

namespace MultitaskLearning.Linear.Regularizers;

/// <summary>
/// Mean-regularised multitask learning of Evgeniou and Pontil, "Regularized multi-task learning" (KDD 2004):
/// Ω(W) = (λ/2) Σ_t ‖w_t − w̄‖² + (ρ/2)‖W‖²_F with w̄ = (1/T) Σ_t w_t. Each task's weights are pulled towards the mean
/// of all tasks; this is their w_t = w_0 + v_t formulation with w_0 minimised out. ρ &gt; 0 also shrinks the mean.
/// </summary>
public sealed class MeanRegularizer : LinearRegularizer
{
    /// <summary>Creates the regulariser.</summary>
    /// <param name="lambda">λ ≥ 0, the pull towards the mean.</param>
    /// <param name="frobenius">ρ ≥ 0, the ridge on all weights.</param>
    public MeanRegularizer(double lambda, double frobenius = 0)
        : base(lambda, frobenius)
    {
    }

    /// <inheritdoc/>
    public override string Name => "mean-regularized";

    /// <inheritdoc/>
    public override LinearRegularizer WithLambda(double lambda) => new MeanRegularizer(lambda, Frobenius);

    internal override double SmoothValue(Matrix<double> weights, int rows)
    {
        double sum = 0;
        var tasks = weights.ColumnCount;
        for (var j = 0; j < rows; j++)
        {
            var mean = RowMean(weights, j);
            for (var t = 0; t < tasks; t++)
            {
                var deviation = weights[j, t] - mean;
                sum += deviation * deviation;
            }
        }

        return (0.5 * Lambda * sum) + base.SmoothValue(weights, rows);
    }

    internal override void AddSmoothGradient(Matrix<double> weights, Matrix<double> gradient, int rows)
    {
        // ∂/∂w_t of (λ/2) Σ_s ‖w_s − w̄‖² = λ (w_t − w̄), because Σ_s (w_s − w̄) = 0.
        var tasks = weights.ColumnCount;
        for (var j = 0; j < rows; j++)
        {
            var mean = RowMean(weights, j);
            for (var t = 0; t < tasks; t++)
            {
                gradient[j, t] += Lambda * (weights[j, t] - mean);
            }
        }

        base.AddSmoothGradient(weights, gradient, rows);
    }

    internal override double SmoothLipschitz => Lambda + Frobenius;

    private static double RowMean(Matrix<double> weights, int row)
    {
        double sum = 0;
        for (var t = 0; t < weights.ColumnCount; t++)
        {
            sum += weights[row, t];
        }

        return sum / weights.ColumnCount;
    }

    internal override double NonsmoothValue(Matrix<double> weights, int rows) => 0;

    internal override double Prox(Matrix<double> v, double step, int rows) => 0;
}
