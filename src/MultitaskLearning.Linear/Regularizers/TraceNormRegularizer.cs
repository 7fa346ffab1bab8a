using MathNet.Numerics.LinearAlgebra;

namespace MultitaskLearning.Linear.Regularizers;

/// <summary>
/// Low rank: Ω(W) = λ‖W‖_* + (ρ/2)‖W‖²_F, the trace (nuclear) norm — the sum of W's singular values — as in MALSAR's
/// <c>Least_Trace</c> (Ji and Ye, ICML 2009; Pong et al. 2010). The tasks' weight vectors share a low-dimensional
/// subspace. Proximal operator: singular-value thresholding, W ← U max(Σ − τλ, 0) Vᵀ (MathNet's SVD).
/// </summary>
public sealed class TraceNormRegularizer : LinearRegularizer
{
    /// <summary>Creates the regulariser.</summary>
    /// <param name="lambda">λ ≥ 0.</param>
    /// <param name="frobenius">ρ ≥ 0.</param>
    public TraceNormRegularizer(double lambda, double frobenius = 0)
        : base(lambda, frobenius)
    {
    }

    /// <inheritdoc/>
    public override string Name => "trace-norm";

    /// <inheritdoc/>
    public override LinearRegularizer WithLambda(double lambda) => new TraceNormRegularizer(lambda, Frobenius);

    /// <summary>W = 0 is optimal exactly when λ ≥ ‖G‖₂, the largest singular value of ∇f(0).</summary>
    /// <param name="gradientAtZero">∇f(0).</param>
    /// <returns>‖G‖₂.</returns>
    public override double? ZeroThreshold(Matrix<double> gradientAtZero)
    {
        ArgumentNullException.ThrowIfNull(gradientAtZero);
        return gradientAtZero.L2Norm();
    }

    internal override double NonsmoothValue(Matrix<double> weights, int rows) =>
        Lambda * Top(weights, rows).Svd(computeVectors: false).S.Sum();

    internal override double Prox(Matrix<double> v, double step, int rows)
    {
        var top = Top(v, rows);
        var svd = top.Svd(computeVectors: true);
        var threshold = step * Lambda;
        var shrunk = svd.S.Map(s => Math.Max(0, s - threshold));
        var rank = shrunk.Count(s => s > 0);
        var result = Matrix<double>.Build.Dense(rows, v.ColumnCount);
        if (rank > 0)
        {
            var u = svd.U.SubMatrix(0, rows, 0, rank);
            var vt = svd.VT.SubMatrix(0, rank, 0, v.ColumnCount);
            result = u * Matrix<double>.Build.DiagonalOfDiagonalVector(shrunk.SubVector(0, rank)) * vt;
        }

        v.SetSubMatrix(0, 0, result);
        return Lambda * shrunk.Sum();
    }

    private static Matrix<double> Top(Matrix<double> m, int rows) => rows == m.RowCount ? m : m.SubMatrix(0, rows, 0, m.ColumnCount);
}
