using MathNet.Numerics.LinearAlgebra;

namespace MultitaskLearning.Linear.Solvers;

/// <summary>
/// The data-fit term f(P) of a problem as a function of the parameter matrix P (d × T for least squares, whose biases
/// are eliminated by centring; (d + 1) × T for logistic with intercept, the last row holding the biases).
/// Work buffers are allocated once, so evaluations do not allocate.
/// </summary>
internal abstract class SmoothLoss
{
    protected SmoothLoss(LinearMultitaskProblem problem, int rows)
    {
        Problem = problem;
        Rows = rows;
    }

    public LinearMultitaskProblem Problem { get; }

    /// <summary>Rows of P.</summary>
    public int Rows { get; }

    /// <summary>Rows of P that are weights (penalised); the others are biases.</summary>
    public int WeightRows => Problem.FeatureCount;

    public int Tasks => Problem.Tasks.Count;

    public static SmoothLoss Create(LinearMultitaskProblem problem) => problem.Loss == LinearLoss.LeastSquares
        ? new LeastSquaresLoss(problem)
        : new LogisticLoss(problem);

    public abstract double Value(Matrix<double> parameters);

    /// <summary>f(P), writing ∇f(P) into <paramref name="gradient"/>.</summary>
    public abstract double ValueAndGradient(Matrix<double> parameters, Matrix<double> gradient);

    /// <summary>An estimate of the Lipschitz constant of ∇f (power iteration; backtracking corrects it).</summary>
    public abstract double LipschitzEstimate();

    /// <summary>The weights (d × T) and biases of a parameter matrix.</summary>
    public abstract (Matrix<double> Weights, Vector<double> Biases) Split(Matrix<double> parameters);

    /// <summary>The parameter matrix of given weights and biases (for warm starts).</summary>
    public abstract Matrix<double> Join(Matrix<double> weights, Vector<double> biases);

    protected static double PowerIteration(Func<Vector<double>, Vector<double>> apply, int size, int iterations = 30)
    {
        var v = Vector<double>.Build.Dense(size, i => 1.0 / Math.Sqrt(size) * (1 + (0.01 * (i % 7))));
        double estimate = 0;
        for (var k = 0; k < iterations; k++)
        {
            var w = apply(v);
            estimate = w.L2Norm();
            if (estimate == 0)
            {
                return 0;
            }

            v = w / estimate;
        }

        return estimate;
    }
}
