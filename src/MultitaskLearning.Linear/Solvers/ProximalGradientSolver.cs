using MathNet.Numerics.LinearAlgebra;
using MultitaskLearning.Linear.Regularizers;

namespace MultitaskLearning.Linear.Solvers;

/// <summary>
/// Accelerated proximal gradient (FISTA, Beck and Teboulle 2009) with backtracking line search and adaptive restart:
/// minimises F(P) = f(P) + s(W) + g(W), where f is the loss, s the regulariser's smooth part and g its non-smooth part
/// (handled exactly through its proximal operator). The inner loop reuses preallocated matrices.
/// </summary>
public sealed class ProximalGradientSolver
{
    private readonly ProximalGradientOptions options;

    /// <summary>Creates the solver.</summary>
    /// <param name="options">Stopping rules; <see langword="null"/> for the defaults.</param>
    public ProximalGradientSolver(ProximalGradientOptions? options = null)
    {
        this.options = options ?? new ProximalGradientOptions();
        this.options.Validate();
    }

    /// <summary>Solves a problem.</summary>
    /// <param name="problem">The problem.</param>
    /// <param name="regularizer">The penalty on W.</param>
    /// <param name="warmStart">A model to start from (for example the solution at a nearby λ); <see langword="null"/> starts at zero.</param>
    /// <returns>The model, objective trace, iteration count and convergence flag.</returns>
    public LinearFitResult Solve(LinearMultitaskProblem problem, LinearRegularizer regularizer, LinearMultitaskModel? warmStart = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(regularizer);
        return Solve(SmoothLoss.Create(problem), regularizer, warmStart);
    }

    internal LinearFitResult Solve(SmoothLoss loss, LinearRegularizer regularizer, LinearMultitaskModel? warmStart)
    {
        var start = warmStart is null
            ? Matrix<double>.Build.Dense(loss.Rows, loss.Tasks)
            : loss.Join(CheckWarmStart(warmStart, loss.Problem), warmStart.Biases);
        var (parameters, trace, iterations, converged) = Minimise(loss, regularizer, start);
        var (weights, biases) = loss.Split(parameters);
        var model = new LinearMultitaskModel(loss.Problem.Tasks.Select(t => t.Name).ToArray(), weights, biases, loss.Problem.Loss, regularizer.Name, regularizer.Lambda);
        return new LinearFitResult(model, trace[^1], trace, iterations, converged);
    }

    private (Matrix<double> Parameters, List<double> Trace, int Iterations, bool Converged) Minimise(SmoothLoss loss, LinearRegularizer regularizer, Matrix<double> start)
    {
        var rows = loss.WeightRows;
        var previous = start.Clone();             // x_{k−1}
        var momentum = start.Clone();             // y_k
        var candidate = start.Clone();            // p = prox(y − ∇/L)
        var gradient = Matrix<double>.Build.Dense(loss.Rows, loss.Tasks);
        var lipschitz = Math.Max(loss.LipschitzEstimate() + regularizer.SmoothLipschitz, 1e-12);
        var objective = loss.Value(previous) + regularizer.SmoothValue(previous, rows) + regularizer.NonsmoothValue(previous, rows);
        var trace = new List<double> { objective };
        double t = 1;
        var y = momentum.AsColumnMajorArray();
        var p = candidate.AsColumnMajorArray();
        var g = gradient.AsColumnMajorArray();
        for (var iteration = 1; iteration <= options.MaxIterations; iteration++)
        {
            var fy = loss.ValueAndGradient(momentum, gradient) + regularizer.SmoothValue(momentum, rows);
            regularizer.AddSmoothGradient(momentum, gradient, rows);
            double fp, gp;
            while (true)
            {
                var step = 1 / lipschitz;
                for (var i = 0; i < p.Length; i++)
                {
                    p[i] = y[i] - (step * g[i]);
                }

                gp = regularizer.Prox(candidate, step, rows);
                fp = loss.Value(candidate) + regularizer.SmoothValue(candidate, rows);
                double inner = 0, distance = 0;
                for (var i = 0; i < p.Length; i++)
                {
                    var delta = p[i] - y[i];
                    inner += g[i] * delta;
                    distance += delta * delta;
                }

                var bound = fy + inner + (0.5 * lipschitz * distance);
                if (fp <= bound + (1e-12 * Math.Abs(bound)) || distance == 0)
                {
                    break;
                }

                lipschitz *= 2;
            }

            var candidateObjective = fp + gp;
            if (options.Restart && candidateObjective > objective && t > 1)
            {
                // Momentum overshot: restart from the last iterate with a plain proximal gradient step next.
                t = 1;
                previous.CopyTo(momentum);
                continue;
            }

            var tNext = (1 + Math.Sqrt(1 + (4 * t * t))) / 2;
            var beta = (t - 1) / tNext;
            var x = previous.AsColumnMajorArray();
            for (var i = 0; i < p.Length; i++)
            {
                y[i] = p[i] + (beta * (p[i] - x[i]));
                x[i] = p[i];
            }

            t = tNext;
            var change = Math.Abs(objective - candidateObjective) / Math.Max(Math.Abs(objective), 1e-300);
            objective = candidateObjective;
            trace.Add(objective);
            if (change <= options.Tolerance)
            {
                return (previous, trace, iteration, true);
            }
        }

        return (previous, trace, options.MaxIterations, false);
    }

    private static Matrix<double> CheckWarmStart(LinearMultitaskModel warmStart, LinearMultitaskProblem problem)
    {
        if (warmStart.Weights.RowCount != problem.FeatureCount || warmStart.Weights.ColumnCount != problem.Tasks.Count)
        {
            throw new ArgumentException(
                $"The warm start has {warmStart.Weights.RowCount} × {warmStart.Weights.ColumnCount} weights; the problem needs {problem.FeatureCount} × {problem.Tasks.Count}.",
                nameof(warmStart));
        }

        return warmStart.Weights;
    }
}
