using MathNet.Numerics.LinearAlgebra;

namespace MultitaskLearning.Linear.Regularizers;

/// <summary>
/// Joint feature selection: Ω(W) = λ Σ_j ‖W_j·‖₂ + (ρ/2)‖W‖²_F, the ℓ2,1 norm of W's rows (one row per feature), of
/// Argyriou, Evgeniou and Pontil, "Convex multi-task feature learning" (Machine Learning 73, 2008) and MALSAR's
/// <c>Least_L21</c>. A feature is used by all tasks or by none. With the shared design and ρ = 0 this is
/// scikit-learn's <c>MultiTaskLasso</c> objective (1/(2n))‖Y − XW‖²_F + α‖W‖₂,₁ with α = λ.
/// Proximal operator: group soft-thresholding of each row, W_j ← max(0, 1 − τλ/‖V_j‖) V_j.
/// </summary>
public sealed class L21Regularizer : LinearRegularizer
{
    /// <summary>Creates the regulariser.</summary>
    /// <param name="lambda">λ ≥ 0.</param>
    /// <param name="frobenius">ρ ≥ 0.</param>
    public L21Regularizer(double lambda, double frobenius = 0)
        : base(lambda, frobenius)
    {
    }

    /// <inheritdoc/>
    public override string Name => "l21";

    /// <inheritdoc/>
    public override LinearRegularizer WithLambda(double lambda) => new L21Regularizer(lambda, Frobenius);

    /// <summary>W = 0 is optimal exactly when λ ≥ max_j ‖G_j·‖₂ (and ρ plays no role at zero).</summary>
    /// <param name="gradientAtZero">∇f(0).</param>
    /// <returns>max_j ‖G_j·‖₂.</returns>
    public override double? ZeroThreshold(Matrix<double> gradientAtZero)
    {
        ArgumentNullException.ThrowIfNull(gradientAtZero);
        return gradientAtZero.EnumerateRows().Max(r => r.L2Norm());
    }

    internal override double NonsmoothValue(Matrix<double> weights, int rows)
    {
        double sum = 0;
        for (var j = 0; j < rows; j++)
        {
            sum += RowNorm(weights, j);
        }

        return Lambda * sum;
    }

    internal override double Prox(Matrix<double> v, double step, int rows)
    {
        var threshold = step * Lambda;
        double value = 0;
        for (var j = 0; j < rows; j++)
        {
            var norm = RowNorm(v, j);
            var scale = norm > threshold ? 1 - (threshold / norm) : 0;
            for (var t = 0; t < v.ColumnCount; t++)
            {
                v[j, t] *= scale;
            }

            value += scale * norm;
        }

        return Lambda * value;
    }

    private static double RowNorm(Matrix<double> m, int row)
    {
        double sum = 0;
        for (var t = 0; t < m.ColumnCount; t++)
        {
            sum += m[row, t] * m[row, t];
        }

        return Math.Sqrt(sum);
    }
}
