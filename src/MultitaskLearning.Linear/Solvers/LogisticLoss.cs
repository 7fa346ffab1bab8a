using MathNet.Numerics.LinearAlgebra;

namespace MultitaskLearning.Linear.Solvers;

/// <summary>
/// f(P) = Σ_t (1/n_t) Σ_i log(1 + exp(−y_ti z_ti)), z_t = X_t w_t + b_t, labels mapped to ±1. With intercepts the last
/// row of P holds the biases. ∇_{w_t} f = X_tᵀ g_t, ∂f/∂b_t = Σ_i g_ti with g_ti = −y_ti σ(−y_ti z_ti)/n_t.
/// </summary>
internal sealed class LogisticLoss : SmoothLoss
{
    private readonly Vector<double>[] labels;
    private readonly Vector<double>[] margins;
    private readonly Vector<double>[] residuals;
    private readonly Vector<double> weights;
    private readonly Vector<double> gradientColumn;

    public LogisticLoss(LinearMultitaskProblem problem)
        : base(problem, problem.FeatureCount + (problem.FitIntercept ? 1 : 0))
    {
        labels = problem.Tasks.Select(t => t.Targets.Map(v => v > 0 ? 1.0 : -1.0)).ToArray();
        margins = problem.Tasks.Select(t => Vector<double>.Build.Dense(t.SampleCount)).ToArray();
        residuals = problem.Tasks.Select(t => Vector<double>.Build.Dense(t.SampleCount)).ToArray();
        weights = Vector<double>.Build.Dense(problem.FeatureCount);
        gradientColumn = Vector<double>.Build.Dense(problem.FeatureCount);
    }

    public override double Value(Matrix<double> parameters) => Evaluate(parameters, null);

    public override double ValueAndGradient(Matrix<double> parameters, Matrix<double> gradient) => Evaluate(parameters, gradient);

    public override double LipschitzEstimate() => Problem.Tasks.Max(t =>
        (PowerIteration(v => t.Features.TransposeThisAndMultiply(t.Features * v), WeightRows) / t.SampleCount / 4) + (Problem.FitIntercept ? 0.25 : 0));

    public override (Matrix<double> Weights, Vector<double> Biases) Split(Matrix<double> parameters) => (
        parameters.SubMatrix(0, WeightRows, 0, Tasks),
        Problem.FitIntercept ? parameters.Row(WeightRows) : Vector<double>.Build.Dense(Tasks));

    public override Matrix<double> Join(Matrix<double> weights, Vector<double> biases)
    {
        var result = Matrix<double>.Build.Dense(Rows, Tasks);
        result.SetSubMatrix(0, 0, weights);
        if (Problem.FitIntercept)
        {
            result.SetRow(WeightRows, biases);
        }

        return result;
    }

    private double Evaluate(Matrix<double> parameters, Matrix<double>? gradient)
    {
        double total = 0;
        for (var t = 0; t < Tasks; t++)
        {
            var task = Problem.Tasks[t];
            var n = task.SampleCount;
            for (var j = 0; j < WeightRows; j++)
            {
                weights[j] = parameters[j, t];
            }

            var bias = Problem.FitIntercept ? parameters[WeightRows, t] : 0;
            task.Features.Multiply(weights, margins[t]);
            var y = labels[t];
            var z = margins[t];
            var g = residuals[t];
            double sum = 0, biasGradient = 0;
            for (var i = 0; i < n; i++)
            {
                var m = y[i] * (z[i] + bias);
                sum += m > 0 ? Math.Log(1 + Math.Exp(-m)) : -m + Math.Log(1 + Math.Exp(m));
                g[i] = -y[i] / (1 + Math.Exp(m)) / n;
                biasGradient += g[i];
            }

            total += sum / n;
            if (gradient is null)
            {
                continue;
            }

            task.Features.TransposeThisAndMultiply(g, gradientColumn);
            for (var j = 0; j < WeightRows; j++)
            {
                gradient[j, t] = gradientColumn[j];
            }

            if (Problem.FitIntercept)
            {
                gradient[WeightRows, t] = biasGradient;
            }
        }

        return total;
    }
}
