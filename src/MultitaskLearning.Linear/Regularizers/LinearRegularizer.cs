using MathNet.Numerics.LinearAlgebra;

namespace MultitaskLearning.Linear.Regularizers;

/// <summary>
/// A penalty Ω(W) on the weight matrix W = [w_1 … w_T] (d × T). Every regulariser may add a squared Frobenius term
/// (ρ/2)‖W‖²_F. Biases are never penalised. A regulariser is split into a smooth part (handled through its gradient)
/// and a non-smooth part (handled through its proximal operator) for <see cref="Solvers.ProximalGradientSolver"/>.
/// </summary>
public abstract class LinearRegularizer
{
    /// <summary>Creates the regulariser.</summary>
    /// <param name="lambda">The regularisation strength λ, finite and ≥ 0.</param>
    /// <param name="frobenius">The extra squared Frobenius weight ρ, finite and ≥ 0.</param>
    protected LinearRegularizer(double lambda, double frobenius)
    {
        if (!double.IsFinite(lambda) || lambda < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(lambda), lambda, $"λ must be finite and >= 0. Got {lambda} instead.");
        }

        if (!double.IsFinite(frobenius) || frobenius < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(frobenius), frobenius, $"ρ (the Frobenius weight) must be finite and >= 0. Got {frobenius} instead.");
        }

        Lambda = lambda;
        Frobenius = frobenius;
    }

    /// <summary>λ.</summary>
    public double Lambda { get; }

    /// <summary>ρ, the weight of the extra (ρ/2)‖W‖²_F term.</summary>
    public double Frobenius { get; }

    /// <summary>The stable kebab-case name used in reports: ridge, mean-regularized, l21, trace-norm, lasso.</summary>
    public abstract string Name { get; }

    /// <summary>The same regulariser with another λ (for regularisation paths).</summary>
    /// <param name="lambda">The new λ.</param>
    /// <returns>The regulariser.</returns>
    public abstract LinearRegularizer WithLambda(double lambda);

    /// <summary>Ω(W).</summary>
    /// <param name="weights">W (d × T).</param>
    /// <returns>The penalty.</returns>
    public double Value(Matrix<double> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        return SmoothValue(weights, weights.RowCount) + NonsmoothValue(weights, weights.RowCount);
    }

    /// <summary>The smallest λ for which W = 0 solves the problem, given the gradient G = ∇f(0) of the loss at W = 0
    /// (for non-smooth penalties; <see langword="null"/> for smooth ones, where no finite λ gives exactly zero).</summary>
    /// <param name="gradientAtZero">∇f(0), d × T.</param>
    /// <returns>The threshold, or <see langword="null"/>.</returns>
    public virtual double? ZeroThreshold(Matrix<double> gradientAtZero) => null;

    /// <summary>The smooth part's value on the first <paramref name="rows"/> rows: (ρ/2)‖W‖²_F plus any smooth penalty.</summary>
    internal virtual double SmoothValue(Matrix<double> weights, int rows) => 0.5 * Frobenius * SquaredNorm(weights, rows);

    /// <summary>Adds the smooth part's gradient to <paramref name="gradient"/> (first <paramref name="rows"/> rows).</summary>
    internal virtual void AddSmoothGradient(Matrix<double> weights, Matrix<double> gradient, int rows)
    {
        if (Frobenius == 0)
        {
            return;
        }

        for (var t = 0; t < weights.ColumnCount; t++)
        {
            for (var j = 0; j < rows; j++)
            {
                gradient[j, t] += Frobenius * weights[j, t];
            }
        }
    }

    /// <summary>A Lipschitz constant of the smooth part's gradient.</summary>
    internal virtual double SmoothLipschitz => Frobenius;

    /// <summary>The non-smooth part's value on the first <paramref name="rows"/> rows.</summary>
    internal abstract double NonsmoothValue(Matrix<double> weights, int rows);

    /// <summary>Replaces the first <paramref name="rows"/> rows of V by prox_{step·g}(V) = argmin_W g(W) + ‖W − V‖²/(2·step),
    /// and returns g at the result.</summary>
    internal abstract double Prox(Matrix<double> v, double step, int rows);

    internal static double SquaredNorm(Matrix<double> weights, int rows)
    {
        double sum = 0;
        for (var t = 0; t < weights.ColumnCount; t++)
        {
            for (var j = 0; j < rows; j++)
            {
                sum += weights[j, t] * weights[j, t];
            }
        }

        return sum;
    }
}
