using MultitaskLearning.Linear.Regularizers;
using MultitaskLearning.Linear.Solvers;

namespace MultitaskLearning.Linear;

/// <summary>
/// The short way in to regularised linear multitask learning (like Math.NET's <c>Fit</c> over its explicit solvers):
/// <see cref="Fit"/> picks the closed form for least-squares ridge and accelerated proximal gradient otherwise;
/// <see cref="FitCrossValidated"/> chooses λ by k-fold cross-validation first.
/// </summary>
public static class LinearMultitask
{
    /// <summary>Fits one regulariser at its λ.</summary>
    /// <param name="problem">The data.</param>
    /// <param name="regularizer">The penalty.</param>
    /// <param name="options">Solver options (ignored by the closed form).</param>
    /// <param name="warmStart">A starting point for the iterative solver.</param>
    /// <returns>The fit.</returns>
    public static LinearFitResult Fit(LinearMultitaskProblem problem, LinearRegularizer regularizer, ProximalGradientOptions? options = null, LinearMultitaskModel? warmStart = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(regularizer);
        return problem.Loss == LinearLoss.LeastSquares && regularizer is RidgeRegularizer ridge
            ? ClosedFormRidgeSolver.Solve(problem, ridge)
            : new ProximalGradientSolver(options).Solve(problem, regularizer, warmStart);
    }

    /// <summary>Chooses λ by k-fold cross-validation on <paramref name="problem"/>, then fits all of it at that λ.</summary>
    /// <param name="problem">The training data.</param>
    /// <param name="regularizer">The regulariser (its λ is ignored).</param>
    /// <param name="lambdas">The λ path; <see langword="null"/> for the default of <see cref="LinearCrossValidation.Run"/>.</param>
    /// <param name="folds">k.</param>
    /// <param name="seed">The seed of the folds.</param>
    /// <param name="options">Solver options.</param>
    /// <returns>The final fit and the cross-validation curve.</returns>
    public static (LinearFitResult Fit, CrossValidationResult CrossValidation) FitCrossValidated(
        LinearMultitaskProblem problem,
        LinearRegularizer regularizer,
        IReadOnlyList<double>? lambdas = null,
        int folds = 5,
        int seed = 0,
        ProximalGradientOptions? options = null)
    {
        var curve = LinearCrossValidation.Run(problem, regularizer, lambdas, folds, seed, options);
        return (Fit(problem, regularizer.WithLambda(curve.BestLambda), options), curve);
    }
}
