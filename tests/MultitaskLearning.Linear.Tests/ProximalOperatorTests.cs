using MathNet.Numerics.LinearAlgebra;
using MultitaskLearning.Linear.Regularizers;
using Xunit;

namespace MultitaskLearning.Linear.Tests;

/// <summary>Each proximal operator against its closed form, computed by hand in the comments.</summary>
public sealed class ProximalOperatorTests
{
    [Fact]
    public void L21_GroupSoftThresholdsRows()
    {
        // Row (3, 4) has norm 5: with τλ = 1 it shrinks by 1 − 1/5 to (2.4, 3.2); row (0.3, 0.4) (norm 0.5) vanishes.
        var v = Matrix<double>.Build.DenseOfArray(new double[,] { { 3, 4 }, { 0.3, 0.4 } });
        var value = new L21Regularizer(2).Prox(v, 0.5, 2);
        Assert.Equal(2.4, v[0, 0], 12);
        Assert.Equal(3.2, v[0, 1], 12);
        Assert.Equal(0, v[1, 0]);
        Assert.Equal(0, v[1, 1]);
        Assert.Equal(2 * 4.0, value, 12); // λ · ‖(2.4, 3.2)‖ = 2 · 4
    }

    [Fact]
    public void Lasso_SoftThresholdsEntries()
    {
        var v = Matrix<double>.Build.DenseOfArray(new double[,] { { 2, -0.5 }, { 0.3, -3 } });
        new LassoRegularizer(1).Prox(v, 0.5, 2);
        Assert.Equal(new[] { 1.5, 0, 0, -2.5 }, v.ToRowMajorArray());
    }

    [Fact]
    public void TraceNorm_ThresholdsSingularValues()
    {
        // V = Q diag(3, 1) Rᵀ with orthogonal Q, R; τλ = 2 leaves Q diag(1, 0) Rᵀ.
        var angle = 0.3;
        var q = Matrix<double>.Build.DenseOfArray(new double[,] { { Math.Cos(angle), -Math.Sin(angle) }, { Math.Sin(angle), Math.Cos(angle) }, { 0, 0 } });
        var r = Matrix<double>.Build.DenseOfArray(new double[,] { { Math.Cos(1.1), -Math.Sin(1.1) }, { Math.Sin(1.1), Math.Cos(1.1) } });
        var v = q * Matrix<double>.Build.DenseOfDiagonalArray([3, 1]) * r.Transpose();
        var expected = q * Matrix<double>.Build.DenseOfDiagonalArray([1, 0]) * r.Transpose();
        var value = new TraceNormRegularizer(4).Prox(v, 0.5, 3);
        Assert.True((v - expected).FrobeniusNorm() < 1e-12);
        Assert.Equal(4 * 1.0, value, 12);
    }

    [Theory]
    [InlineData("l21")]
    [InlineData("lasso")]
    [InlineData("trace-norm")]
    public void Prox_MinimisesItsObjective_AgainstRandomPerturbations(string name)
    {
        LinearRegularizer regularizer = name switch { "l21" => new L21Regularizer(0.7), "lasso" => new LassoRegularizer(0.7), _ => new TraceNormRegularizer(0.7) };
        var random = new Random(3);
        var v = Matrix<double>.Build.Dense(5, 3, (_, _) => (random.NextDouble() * 2) - 1);
        const double step = 0.8;
        var p = v.Clone();
        regularizer.Prox(p, step, 5);
        double Objective(Matrix<double> w) => regularizer.Value(w) + ((w - v).FrobeniusNorm() * (w - v).FrobeniusNorm() / (2 * step));
        var best = Objective(p);
        for (var k = 0; k < 200; k++)
        {
            var perturbed = p + Matrix<double>.Build.Dense(5, 3, (_, _) => ((random.NextDouble() * 2) - 1) * 0.05);
            Assert.True(Objective(perturbed) >= best - 1e-12);
        }
    }

    [Fact]
    public void Regularizer_NegativeLambda_Throws()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new L21Regularizer(-1));
        Assert.Contains("λ must be finite and >= 0. Got -1 instead.", error.Message);
        Assert.Contains("ρ", Assert.Throws<ArgumentOutOfRangeException>(() => new TraceNormRegularizer(1, double.NaN)).Message);
    }
}
