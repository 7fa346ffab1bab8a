using MathNet.Numerics.LinearAlgebra;

namespace MultitaskLearning.Linear.Regularizers;

/// <summary>
/// Independent sparsity (Lasso, Tibshirani 1996), for comparison: Ω(W) = λ Σ_jt |W_jt| + (ρ/2)‖W‖²_F (an elastic net
/// when ρ &gt; 0). Each task selects its own features. Proximal operator: soft-thresholding W ← sign(V) max(|V| − τλ, 0).
/// </summary>
public sealed class LassoRegularizer : LinearRegularizer
{
    /// <summary>Creates the regulariser.</summary>
    /// <param name="lambda">λ ≥ 0.</param>
    /// <param name="frobenius">ρ ≥ 0.</param>
    public LassoRegularizer(double lambda, double frobenius = 0)
        : base(lambda, frobenius)
    {
    }

    /// <inheritdoc/>
    public override string Name => "lasso";

    /// <inheritdoc/>
    public override LinearRegularizer WithLambda(double lambda) => new LassoRegularizer(lambda, Frobenius);

    /// <summary>W = 0 is optimal exactly when λ ≥ max_jt |G_jt|.</summary>
    /// <param name="gradientAtZero">∇f(0).</param>
    /// <returns>max |G_jt|.</returns>
    public override double? ZeroThreshold(Matrix<double> gradientAtZero)
    {
        ArgumentNullException.ThrowIfNull(gradientAtZero);
        return gradientAtZero.Enumerate().Max(Math.Abs);
    }

    internal override double NonsmoothValue(Matrix<double> weights, int rows)
    {
        double sum = 0;
        for (var t = 0; t < weights.ColumnCount; t++)
        {
            for (var j = 0; j < rows; j++)
            {
                sum += Math.Abs(weights[j, t]);
            }
        }

        return Lambda * sum;
    }

    internal override double Prox(Matrix<double> v, double step, int rows)
    {
        var threshold = step * Lambda;
        double sum = 0;
        for (var t = 0; t < v.ColumnCount; t++)
        {
            for (var j = 0; j < rows; j++)
            {
                var x = v[j, t];
                var shrunk = Math.Max(0, Math.Abs(x) - threshold);
                v[j, t] = Math.Sign(x) * shrunk;
                sum += shrunk;
            }
        }

        return Lambda * sum;
    }
}
