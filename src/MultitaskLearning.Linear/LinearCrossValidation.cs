using MathNet.Numerics.LinearAlgebra;
using MultitaskLearning.Linear.Regularizers;
using MultitaskLearning.Linear.Solvers;

namespace MultitaskLearning.Linear;

/// <summary>Seeded k-fold cross-validation of λ for a regulariser, with warm starts along the λ path.</summary>
public static class LinearCrossValidation
{
    /// <summary>Runs k-fold cross-validation. Each task's rows are shuffled with the seed and dealt into k folds, so
    /// every fold holds out about 1/k of every task.</summary>
    /// <param name="problem">The training data.</param>
    /// <param name="regularizer">The regulariser (its λ is replaced by each path value).</param>
    /// <param name="lambdas">The path; <see langword="null"/> for a default: λ_max·10^(0 … −3) in 10 steps for
    /// non-smooth penalties (λ_max from <see cref="LinearRegularizer.ZeroThreshold"/>), 10^(−4 … 2) in 13 steps for smooth ones.</param>
    /// <param name="folds">k, at least 2.</param>
    /// <param name="seed">The seed of the fold assignment.</param>
    /// <param name="options">Solver options.</param>
    /// <returns>The curve and the best λ.</returns>
    public static CrossValidationResult Run(
        LinearMultitaskProblem problem,
        LinearRegularizer regularizer,
        IReadOnlyList<double>? lambdas = null,
        int folds = 5,
        int seed = 0,
        ProximalGradientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(regularizer);
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        var path = (lambdas ?? DefaultPath(problem, regularizer)).OrderDescending().ToArray();
        if (path.Length == 0 || path.Any(l => !double.IsFinite(l) || l < 0))
        {
            throw new ArgumentException("The λ path must hold finite values >= 0.", nameof(lambdas));
        }

        var random = new Random(seed);
        var assignment = problem.Tasks.Select(t =>
        {
            var fold = Enumerable.Range(0, t.SampleCount).Select(i => i % folds).ToArray();
            random.Shuffle(fold);
            return fold;
        }).ToArray();
        var errors = new double[folds, path.Length];
        var solver = new ProximalGradientSolver(options);
        for (var f = 0; f < folds; f++)
        {
            var (train, held) = SplitFold(problem, assignment, f);
            var loss = problem.Loss == LinearLoss.LeastSquares && regularizer is RidgeRegularizer ? null : SmoothLoss.Create(train);
            LinearMultitaskModel? previous = null;
            for (var l = 0; l < path.Length; l++)
            {
                var penalty = regularizer.WithLambda(path[l]);
                var fit = loss is null
                    ? ClosedFormRidgeSolver.Solve(train, (RidgeRegularizer)penalty)
                    : solver.Solve(loss, penalty, previous);
                previous = fit.Model;
                errors[f, l] = HeldOutError(fit.Model, problem, held);
            }
        }

        var means = new double[path.Length];
        var standardErrors = new double[path.Length];
        for (var l = 0; l < path.Length; l++)
        {
            var values = Enumerable.Range(0, folds).Select(f => errors[f, l]).ToArray();
            means[l] = values.Average();
            standardErrors[l] = Math.Sqrt(values.Sum(v => (v - means[l]) * (v - means[l])) / (folds - 1) / folds);
        }

        var best = Array.IndexOf(means, means.Min());
        return new CrossValidationResult(regularizer.Name, path, means, standardErrors, path[best]);
    }

    private static double[] DefaultPath(LinearMultitaskProblem problem, LinearRegularizer regularizer)
    {
        var loss = SmoothLoss.Create(problem);
        var gradient = Matrix<double>.Build.Dense(loss.Rows, loss.Tasks);
        loss.ValueAndGradient(Matrix<double>.Build.Dense(loss.Rows, loss.Tasks), gradient);
        var threshold = regularizer.ZeroThreshold(gradient.SubMatrix(0, loss.WeightRows, 0, loss.Tasks));
        return threshold is { } max && max > 0
            ? Enumerable.Range(0, 10).Select(i => max * Math.Pow(10, -3.0 * i / 9)).ToArray()
            : Enumerable.Range(0, 13).Select(i => Math.Pow(10, 2 - (0.5 * i))).ToArray();
    }

    private static (LinearMultitaskProblem Train, int[][] HeldRows) SplitFold(LinearMultitaskProblem problem, int[][] assignment, int fold)
    {
        var held = new int[problem.Tasks.Count][];
        var tasks = new List<LinearTask>();
        for (var t = 0; t < problem.Tasks.Count; t++)
        {
            var task = problem.Tasks[t];
            var trainRows = Enumerable.Range(0, task.SampleCount).Where(i => assignment[t][i] != fold).ToArray();
            held[t] = Enumerable.Range(0, task.SampleCount).Where(i => assignment[t][i] == fold).ToArray();
            if (trainRows.Length == 0)
            {
                throw new ArgumentException($"Task '{task.Name}' has {task.SampleCount} samples, too few for {assignment[t].Length}-row folds.");
            }

            tasks.Add(new LinearTask(task.Name, Rows(task.Features, trainRows), Vector<double>.Build.DenseOfEnumerable(trainRows.Select(i => task.Targets[i]))));
        }

        return (new LinearMultitaskProblem(tasks, problem.Loss, problem.FitIntercept), held);
    }

    private static double HeldOutError(LinearMultitaskModel model, LinearMultitaskProblem problem, int[][] held)
    {
        double sum = 0;
        var count = 0;
        for (var t = 0; t < problem.Tasks.Count; t++)
        {
            if (held[t].Length == 0)
            {
                continue;
            }

            var task = problem.Tasks[t];
            var predicted = model.Predict(t, Rows(task.Features, held[t]));
            for (var k = 0; k < held[t].Length; k++)
            {
                var y = task.Targets[held[t][k]];
                if (problem.Loss == LinearLoss.LeastSquares)
                {
                    sum += (y - predicted[k]) * (y - predicted[k]);
                }
                else
                {
                    var p = Math.Clamp(predicted[k], 1e-15, 1 - 1e-15);
                    sum -= y > 0 ? Math.Log(p) : Math.Log(1 - p);
                }
            }

            count += held[t].Length;
        }

        return sum / count;
    }

    private static Matrix<double> Rows(Matrix<double> matrix, int[] rows) =>
        Matrix<double>.Build.Dense(rows.Length, matrix.ColumnCount, (i, j) => matrix[rows[i], j]);
}
