using MathNet.Numerics.LinearAlgebra;
using MultitaskLearning.Linear.Regularizers;
using MultitaskLearning.Linear.Solvers;
using Xunit;

namespace MultitaskLearning.Linear.Tests;

/// <summary>
/// The shared-design ℓ2,1 problem in scikit-learn's MultiTaskLasso scaling, (1/(2n))‖Y − XW‖²_F + α‖W‖₂,₁ without
/// intercept, solved two independent ways: by the library's FISTA and by the block coordinate descent that
/// MultiTaskLasso uses (written out below, cyclic over features, W_j ← max(0, 1 − α/‖z_j‖) z_j / (‖X_j‖²/n) with
/// z_j = X_jᵀ(R + X_j W_j)/n). The two objective values agree to 1e−7 relative.
/// </summary>
public sealed class SharedDesignReferenceTests
{
    [Theory]
    [InlineData(0.05)]
    [InlineData(0.2)]
    public void FistaAndCoordinateDescent_ReachTheSameObjective(double alpha)
    {
        var random = new Random(21);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        const int n = 80, d = 10, tasks = 4;
        var x = Matrix<double>.Build.Dense(n, d, (_, _) => Normal());
        var trueW = Matrix<double>.Build.Dense(d, tasks, (j, _) => j < 3 ? Normal() : 0);
        var y = (x * trueW) + Matrix<double>.Build.Dense(n, tasks, (_, _) => 0.3 * Normal());

        var problem = LinearMultitaskProblem.SharedDesign(x, y, fitIntercept: false);
        Assert.True(problem.IsSharedDesign);
        var fista = new ProximalGradientSolver(new ProximalGradientOptions { Tolerance = 1e-14, MaxIterations = 100_000 }).Solve(problem, new L21Regularizer(alpha));

        var cd = CoordinateDescent(x, y, alpha);
        double Objective(Matrix<double> w)
        {
            var r = y - (x * w);
            return (r.FrobeniusNorm() * r.FrobeniusNorm() / (2.0 * n)) + (alpha * w.EnumerateRows().Sum(row => row.L2Norm()));
        }

        var reference = Objective(cd);
        Assert.True(Math.Abs(fista.Objective - reference) <= 1e-7 * reference, $"FISTA {fista.Objective:R}, coordinate descent {reference:R}");
        Assert.Equal(reference, Objective(fista.Model.Weights), 7);
    }

    private static Matrix<double> CoordinateDescent(Matrix<double> x, Matrix<double> y, double alpha)
    {
        int n = x.RowCount, d = x.ColumnCount;
        var w = Matrix<double>.Build.Dense(d, y.ColumnCount);
        var residual = y.Clone();
        var columnNorms = Enumerable.Range(0, d).Select(j => x.Column(j).DotProduct(x.Column(j)) / n).ToArray();
        for (var sweep = 0; sweep < 20_000; sweep++)
        {
            double change = 0;
            for (var j = 0; j < d; j++)
            {
                var xj = x.Column(j);
                var old = w.Row(j);
                var z = (residual.TransposeThisAndMultiply(xj) / n) + (columnNorms[j] * old);
                var norm = z.L2Norm();
                var updated = norm > alpha ? z * ((1 - (alpha / norm)) / columnNorms[j]) : Vector<double>.Build.Dense(z.Count);
                var delta = updated - old;
                if (delta.AbsoluteMaximum() > 0)
                {
                    residual -= xj.OuterProduct(delta);
                    w.SetRow(j, updated);
                    change = Math.Max(change, delta.AbsoluteMaximum());
                }
            }

            if (change < 1e-13)
            {
                break;
            }
        }

        return w;
    }
}
