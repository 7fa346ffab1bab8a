using MathNet.Numerics.LinearAlgebra;
using MultitaskLearning.Linear.Regularizers;
using MultitaskLearning.Linear.Solvers;
using Xunit;

namespace MultitaskLearning.Linear.Tests;

/// <summary>
/// Solutions satisfy the optimality (KKT / subgradient) conditions of their objective, 0 ∈ ∇f(W) + ∇s(W) + ∂g(W), on
/// random problems, for every regulariser and both losses. Tolerance 1e−5 (relative to λ for the non-smooth parts),
/// after solving to a relative objective change of 1e−13.
/// </summary>
public sealed class OptimalityTests
{
    private const double Tolerance = 1e-5;
    private static readonly ProximalGradientOptions Tight = new() { Tolerance = 1e-13, MaxIterations = 200_000 };

    public static TheoryData<string, LinearLoss> Cases()
    {
        var data = new TheoryData<string, LinearLoss>();
        foreach (var name in new[] { "ridge", "mean-regularized", "l21", "trace-norm", "lasso" })
        {
            data.Add(name, LinearLoss.LeastSquares);
            data.Add(name, LinearLoss.Logistic);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Solution_SatisfiesSubgradientConditions(string name, LinearLoss kind)
    {
        var problem = RandomProblems.Create(tasks: 4, features: 7, samples: 50, seed: 11, loss: kind);
        var regularizer = Create(name, kind == LinearLoss.LeastSquares ? 0.15 : name == "trace-norm" ? 0.1 : 0.03, frobenius: 0.01);
        var fit = new ProximalGradientSolver(Tight).Solve(problem, regularizer);
        Assert.True(fit.Converged);

        var loss = SmoothLoss.Create(problem);
        var parameters = loss.Join(fit.Model.Weights, fit.Model.Biases);
        var gradient = Matrix<double>.Build.Dense(loss.Rows, loss.Tasks);
        loss.ValueAndGradient(parameters, gradient);
        regularizer.AddSmoothGradient(parameters, gradient, loss.WeightRows);
        var g = gradient.SubMatrix(0, problem.FeatureCount, 0, problem.Tasks.Count);
        var w = fit.Model.Weights;
        if (loss.Rows > problem.FeatureCount)
        {
            Assert.True(gradient.Row(problem.FeatureCount).AbsoluteMaximum() < Tolerance, "bias gradient");
        }

        var lambda = regularizer.Lambda;
        switch (name)
        {
            case "l21":
                for (var j = 0; j < w.RowCount; j++)
                {
                    var row = w.Row(j);
                    var norm = row.L2Norm();
                    var residual = norm > 1e-9 ? (g.Row(j) + (lambda * row / norm)).L2Norm() : Math.Max(0, g.Row(j).L2Norm() - lambda);
                    Assert.True(residual < Tolerance * Math.Max(1, lambda), $"row {j}: {residual}");
                }

                Assert.Contains(Enumerable.Range(0, w.RowCount), j => w.Row(j).L2Norm() == 0);
                break;
            case "lasso":
                for (var j = 0; j < w.RowCount; j++)
                {
                    for (var t = 0; t < w.ColumnCount; t++)
                    {
                        var residual = w[j, t] != 0 ? Math.Abs(g[j, t] + (lambda * Math.Sign(w[j, t]))) : Math.Max(0, Math.Abs(g[j, t]) - lambda);
                        Assert.True(residual < Tolerance * Math.Max(1, lambda), $"[{j}, {t}]: {residual}");
                    }
                }

                break;
            case "trace-norm":
                // −G/λ = U_r V_rᵀ + Z with U_rᵀZ = 0, Z V_r = 0, ‖Z‖₂ ≤ 1.
                var svd = w.Svd(computeVectors: true);
                var rank = svd.S.Count(s => s > 1e-7 * svd.S[0]);
                Assert.InRange(rank, 1, Math.Min(w.RowCount, w.ColumnCount) - 1);
                var u = svd.U.SubMatrix(0, w.RowCount, 0, rank);
                var v = svd.VT.SubMatrix(0, rank, 0, w.ColumnCount).Transpose();
                var m = -g / lambda;
                Assert.True((u.TransposeThisAndMultiply(m) - v.Transpose()).FrobeniusNorm() < 1e-4, "U_rᵀM = V_rᵀ");
                Assert.True(((m * v) - u).FrobeniusNorm() < 1e-4, "M V_r = U_r");
                Assert.True((m - u.TransposeAndMultiply(v)).L2Norm() <= 1 + 1e-4, "‖Z‖₂ ≤ 1");
                break;
            default:
                Assert.True(g.Enumerate().Max(Math.Abs) < Tolerance, $"smooth gradient {g.Enumerate().Max(Math.Abs)}");
                break;
        }
    }

    [Theory]
    [InlineData("l21")]
    [InlineData("lasso")]
    [InlineData("trace-norm")]
    public void ZeroThreshold_IsExact(string name)
    {
        var problem = RandomProblems.Create(seed: 12);
        var loss = SmoothLoss.Create(problem);
        var gradient = Matrix<double>.Build.Dense(loss.Rows, loss.Tasks);
        loss.ValueAndGradient(Matrix<double>.Build.Dense(loss.Rows, loss.Tasks), gradient);
        var template = Create(name, 1, 0);
        var max = template.ZeroThreshold(gradient)!.Value;

        var atThreshold = new ProximalGradientSolver(Tight).Solve(problem, template.WithLambda(max * 1.000001));
        Assert.Equal(0, atThreshold.Model.Weights.Enumerate().Max(Math.Abs));
        var below = new ProximalGradientSolver(Tight).Solve(problem, template.WithLambda(max * 0.98));
        Assert.True(below.Model.Weights.Enumerate().Max(Math.Abs) > 0);
    }

    [Fact]
    public void L21_SmallLambda_ApproachesLeastSquares()
    {
        var problem = RandomProblems.Create(tasks: 2, features: 4, samples: 60, seed: 13);
        var fit = new ProximalGradientSolver(Tight).Solve(problem, new L21Regularizer(1e-9));
        for (var t = 0; t < 2; t++)
        {
            // Ordinary least squares with an intercept column, by QR.
            var task = problem.Tasks[t];
            var design = task.Features.Append(Matrix<double>.Build.Dense(task.SampleCount, 1, 1.0));
            var ols = design.QR().Solve(task.Targets);
            Assert.True((fit.Model.Weights.Column(t) - ols.SubVector(0, 4)).AbsoluteMaximum() < 1e-5);
            Assert.Equal(ols[4], fit.Model.Biases[t], 5);
        }
    }

    [Fact]
    public void MeanRegularized_EqualsTheLinearSystemSolution()
    {
        // Stationarity: (A_t + ρI) w_t − c_t + λ(w_t − w̄) = 0 for every t: one (dT × dT) linear system, solved by LU.
        var problem = RandomProblems.Create(tasks: 3, features: 4, samples: 30, seed: 14, fitIntercept: false);
        const double lambda = 0.8, rho = 0.1;
        int d = 4, tasks = 3;
        var system = Matrix<double>.Build.Dense(d * tasks, d * tasks);
        var rhs = Vector<double>.Build.Dense(d * tasks);
        for (var t = 0; t < tasks; t++)
        {
            var x = problem.Tasks[t].Features;
            var n = x.RowCount;
            system.SetSubMatrix(t * d, t * d, (x.TransposeThisAndMultiply(x) / n) + ((lambda + rho) * Matrix<double>.Build.DenseIdentity(d)));
            for (var s = 0; s < tasks; s++)
            {
                var block = system.SubMatrix(t * d, d, s * d, d) - (lambda / tasks * Matrix<double>.Build.DenseIdentity(d));
                system.SetSubMatrix(t * d, s * d, block);
            }

            rhs.SetSubVector(t * d, d, x.TransposeThisAndMultiply(problem.Tasks[t].Targets) / n);
        }

        var exact = system.LU().Solve(rhs);
        var fit = new ProximalGradientSolver(Tight).Solve(problem, new MeanRegularizer(lambda, rho));
        for (var t = 0; t < tasks; t++)
        {
            Assert.True((fit.Model.Weights.Column(t) - exact.SubVector(t * d, d)).AbsoluteMaximum() < 1e-6);
        }
    }

    [Fact]
    public void Ridge_ClosedFormAndIterativeSolverAgree()
    {
        var problem = RandomProblems.Create(seed: 15);
        var exact = ClosedFormRidgeSolver.Solve(problem, new RidgeRegularizer(0.4, 0.1));
        var iterative = new ProximalGradientSolver(Tight).Solve(problem, new RidgeRegularizer(0.4, 0.1));
        Assert.True((exact.Model.Weights - iterative.Model.Weights).Enumerate().Max(Math.Abs) < 1e-6);
        Assert.True((exact.Model.Biases - iterative.Model.Biases).AbsoluteMaximum() < 1e-6);
        Assert.Equal(exact.Objective, iterative.Objective, 9);
    }

    [Fact]
    public void Solver_ReportsTraceAndHonoursIterationCap()
    {
        var problem = RandomProblems.Create(seed: 16);
        var capped = new ProximalGradientSolver(new ProximalGradientOptions { MaxIterations = 3, Tolerance = 1e-15 }).Solve(problem, new L21Regularizer(0.05));
        Assert.False(capped.Converged);
        Assert.Equal(3, capped.Iterations);
        var full = new ProximalGradientSolver().Solve(problem, new L21Regularizer(0.05));
        Assert.True(full.Converged);
        Assert.Equal(full.Objective, full.ObjectiveTrace[^1]);
        Assert.True(full.ObjectiveTrace[^1] <= full.ObjectiveTrace[0]);
    }

    internal static LinearRegularizer Create(string name, double lambda, double frobenius) => name switch
    {
        "ridge" => new RidgeRegularizer(lambda, frobenius),
        "mean-regularized" => new MeanRegularizer(lambda, frobenius),
        "l21" => new L21Regularizer(lambda, frobenius),
        "trace-norm" => new TraceNormRegularizer(lambda, frobenius),
        _ => new LassoRegularizer(lambda, frobenius),
    };
}
