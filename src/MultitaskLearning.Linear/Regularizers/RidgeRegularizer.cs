using MathNet.Numerics.LinearAlgebra;

namespace MultitaskLearning.Linear.Regularizers;

/// <summary>
/// Independent ridge, the single-task baseline: Ω(W) = (λ/2)‖W‖²_F + (ρ/2)‖W‖²_F. Tasks do not interact; with the
/// least-squares loss each w_t has the closed form (X̃_tᵀX̃_t/n_t + (λ + ρ) I)⁻¹ X̃_tᵀỹ_t/n_t on centred data.
/// </summary>
public sealed class RidgeRegularizer : LinearRegularizer
{
    /// <summary>Creates the regulariser.</summary>
    /// <param name="lambda">λ ≥ 0.</param>
    /// <param name="frobenius">ρ ≥ 0 (adds to λ).</param>
    public RidgeRegularizer(double lambda, double frobenius = 0)
        : base(lambda, frobenius)
    {
    }

    /// <inheritdoc/>
    public override string Name => "ridge";

    /// <inheritdoc/>
    public override LinearRegularizer WithLambda(double lambda) => new RidgeRegularizer(lambda, Frobenius);

    internal override double SmoothValue(Matrix<double> weights, int rows) => 0.5 * (Lambda + Frobenius) * SquaredNorm(weights, rows);

    internal override void AddSmoothGradient(Matrix<double> weights, Matrix<double> gradient, int rows)
    {
        var c = Lambda + Frobenius;
        for (var t = 0; t < weights.ColumnCount; t++)
        {
            for (var j = 0; j < rows; j++)
            {
                gradient[j, t] += c * weights[j, t];
            }
        }
    }

    internal override double SmoothLipschitz => Lambda + Frobenius;

    internal override double NonsmoothValue(Matrix<double> weights, int rows) => 0;

    internal override double Prox(Matrix<double> v, double step, int rows) => 0;
}
