using MathNet.Numerics.LinearAlgebra;
using MultitaskLearning.Linear.Regularizers;
using MultitaskLearning.Linear.Solvers;
using Xunit;

namespace MultitaskLearning.Linear.Tests;

/// <summary>Analytic gradients of both losses and the smooth penalties against central finite differences (h = 1e−6,
/// tolerance 1e−6 relative to the gradient's size).</summary>
public sealed class GradientTests
{
    [Theory]
    [InlineData(LinearLoss.LeastSquares, true)]
    [InlineData(LinearLoss.LeastSquares, false)]
    [InlineData(LinearLoss.Logistic, true)]
    [InlineData(LinearLoss.Logistic, false)]
    public void LossGradient_MatchesFiniteDifferences(LinearLoss kind, bool intercept)
    {
        var problem = RandomProblems.Create(loss: kind, fitIntercept: intercept, seed: 4);
        var loss = SmoothLoss.Create(problem);
        var regularizer = new MeanRegularizer(0.3, 0.2);
        var random = new Random(5);
        var p = Matrix<double>.Build.Dense(loss.Rows, loss.Tasks, (_, _) => (random.NextDouble() * 2) - 1);
        var gradient = Matrix<double>.Build.Dense(loss.Rows, loss.Tasks);
        loss.ValueAndGradient(p, gradient);
        regularizer.AddSmoothGradient(p, gradient, loss.WeightRows);
        double F(Matrix<double> m) => loss.Value(m) + regularizer.SmoothValue(m, loss.WeightRows);
        const double h = 1e-6;
        for (var i = 0; i < loss.Rows; i++)
        {
            for (var t = 0; t < loss.Tasks; t++)
            {
                var plus = p.Clone();
                plus[i, t] += h;
                var minus = p.Clone();
                minus[i, t] -= h;
                var numeric = (F(plus) - F(minus)) / (2 * h);
                Assert.True(Math.Abs(numeric - gradient[i, t]) <= 1e-6 * Math.Max(1, Math.Abs(numeric)), $"[{i}, {t}]: analytic {gradient[i, t]}, numeric {numeric}");
            }
        }
    }

    [Fact]
    public void LeastSquaresLoss_EqualsDirectSumOfSquares()
    {
        // With intercepts the Gram form minimises over b exactly: f(W) = Σ_t (1/(2n_t)) ‖X_t w_t + b_t* − y_t‖².
        var problem = RandomProblems.Create(seed: 6);
        var loss = SmoothLoss.Create(problem);
        var w = Matrix<double>.Build.Dense(problem.FeatureCount, problem.Tasks.Count, (i, t) => 0.1 * (i - t));
        var (_, biases) = loss.Split(w);
        double direct = 0;
        for (var t = 0; t < problem.Tasks.Count; t++)
        {
            var residual = (problem.Tasks[t].Features * w.Column(t)) + biases[t] - problem.Tasks[t].Targets;
            direct += residual.DotProduct(residual) / (2.0 * problem.Tasks[t].SampleCount);
        }

        Assert.Equal(direct, loss.Value(w), 9);
    }
}
