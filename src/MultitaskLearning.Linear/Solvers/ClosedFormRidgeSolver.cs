using MathNet.Numerics.LinearAlgebra;
using MultitaskLearning.Linear.Regularizers;

namespace MultitaskLearning.Linear.Solvers;

/// <summary>
/// Independent ridge regression in closed form: for each task, w_t = (X̃_tᵀX̃_t/n_t + (λ + ρ) I)⁻¹ X̃_tᵀỹ_t/n_t on centred
/// data (Cholesky), b_t = ȳ_t − x̄_tᵀ w_t. This minimises Σ_t (1/(2 n_t))‖X_t w_t + b_t − y_t‖² + ((λ + ρ)/2)‖W‖²_F exactly.
/// </summary>
public static class ClosedFormRidgeSolver
{
    /// <summary>Solves a least-squares problem with a ridge penalty.</summary>
    /// <param name="problem">A least-squares problem.</param>
    /// <param name="regularizer">The ridge penalty.</param>
    /// <returns>The exact solution.</returns>
    /// <exception cref="ArgumentException">The problem's loss is not least squares, or λ + ρ = 0 with a singular Gram matrix.</exception>
    public static LinearFitResult Solve(LinearMultitaskProblem problem, RidgeRegularizer regularizer)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(regularizer);
        if (problem.Loss != LinearLoss.LeastSquares)
        {
            throw new ArgumentException("The closed-form ridge solver needs the least-squares loss; use ProximalGradientSolver for logistic ridge.", nameof(problem));
        }

        var d = problem.FeatureCount;
        var shrinkage = regularizer.Lambda + regularizer.Frobenius;
        var weights = Matrix<double>.Build.Dense(d, problem.Tasks.Count);
        var biases = Vector<double>.Build.Dense(problem.Tasks.Count);
        for (var t = 0; t < problem.Tasks.Count; t++)
        {
            var task = problem.Tasks[t];
            var n = task.SampleCount;
            var x = task.Features;
            var mean = problem.FitIntercept ? x.ColumnSums() / n : Vector<double>.Build.Dense(d);
            var yMean = problem.FitIntercept ? task.Targets.Sum() / n : 0;
            var gram = (x.TransposeThisAndMultiply(x) - (n * mean.OuterProduct(mean))) / n;
            var rhs = (x.TransposeThisAndMultiply(task.Targets) - (n * yMean * mean)) / n;
            var system = gram + (shrinkage * Matrix<double>.Build.DenseIdentity(d));
            Vector<double> w;
            try
            {
                w = system.Cholesky().Solve(rhs);
            }
            catch (ArgumentException ex)
            {
                throw new ArgumentException($"Task '{task.Name}': X̃ᵀX̃/n + (λ + ρ)I is not positive definite; use λ > 0.", nameof(regularizer), ex);
            }

            weights.SetColumn(t, w);
            biases[t] = yMean - mean.DotProduct(w);
        }

        var model = new LinearMultitaskModel(problem.Tasks.Select(t => t.Name).ToArray(), weights, biases, problem.Loss, regularizer.Name, regularizer.Lambda);
        var objective = SmoothLoss.Create(problem).Value(weights) + regularizer.Value(weights);
        return new LinearFitResult(model, objective, [objective], 0, true);
    }
}
