using MathNet.Numerics.LinearAlgebra;

namespace MultitaskLearning.Linear.Solvers;

/// <summary>
/// f(W) = Σ_t (1/(2 n_t)) ‖X̃_t w_t − ỹ_t‖² on centred data (X̃ = X − x̄, ỹ = y − ȳ when the problem fits intercepts;
/// the optimal bias b_t = ȳ_t − x̄_tᵀ w_t is then exact). It is computed from precomputed A_t = X̃_tᵀX̃_t/n_t,
/// c_t = X̃_tᵀỹ_t/n_t and k_t = ‖ỹ_t‖²/(2 n_t): f = Σ_t ½ w_tᵀA_t w_t − c_tᵀw_t + k_t, so each evaluation costs
/// O(T d²) whatever n is, and one d × d × T product when all tasks share the design.
/// </summary>
internal sealed class LeastSquaresLoss : SmoothLoss
{
    private readonly Matrix<double>[] grams;
    private readonly Matrix<double> linear;
    private readonly double constant;
    private readonly Matrix<double>[] featureMeans;
    private readonly double[] targetMeans;
    private readonly Matrix<double> product;
    private readonly Vector<double> column;
    private readonly Vector<double> columnProduct;
    private readonly bool shared;

    public LeastSquaresLoss(LinearMultitaskProblem problem)
        : base(problem, problem.FeatureCount)
    {
        var d = problem.FeatureCount;
        var tasks = problem.Tasks.Count;
        shared = problem.IsSharedDesign;
        grams = new Matrix<double>[tasks];
        featureMeans = new Matrix<double>[tasks];
        targetMeans = new double[tasks];
        linear = Matrix<double>.Build.Dense(d, tasks);
        for (var t = 0; t < tasks; t++)
        {
            var task = problem.Tasks[t];
            var n = task.SampleCount;
            var x = task.Features;
            var mean = problem.FitIntercept ? x.ColumnSums() / n : Vector<double>.Build.Dense(d);
            featureMeans[t] = mean.ToRowMatrix();
            targetMeans[t] = problem.FitIntercept ? task.Targets.Sum() / n : 0;
            if (t == 0 || !shared)
            {
                // X̃ᵀX̃ = XᵀX − n x̄ x̄ᵀ.
                var gram = x.TransposeThisAndMultiply(x);
                if (problem.FitIntercept)
                {
                    gram -= n * mean.OuterProduct(mean);
                }

                grams[t] = gram / n;
            }
            else
            {
                grams[t] = grams[0];
            }

            // X̃ᵀỹ = Xᵀy − n x̄ ȳ; ‖ỹ‖² = ‖y‖² − n ȳ².
            var c = (x.TransposeThisAndMultiply(task.Targets) - (n * targetMeans[t] * mean)) / n;
            linear.SetColumn(t, c);
            constant += Math.Max(0, task.Targets.DotProduct(task.Targets) - (n * targetMeans[t] * targetMeans[t])) / (2.0 * n);
        }

        product = Matrix<double>.Build.Dense(d, tasks);
        column = Vector<double>.Build.Dense(d);
        columnProduct = Vector<double>.Build.Dense(d);
    }

    public override double Value(Matrix<double> parameters)
    {
        Multiply(parameters);
        var p = parameters.AsColumnMajorArray();
        var ap = product.AsColumnMajorArray();
        var c = linear.AsColumnMajorArray();
        double sum = constant;
        for (var i = 0; i < p.Length; i++)
        {
            sum += p[i] * ((0.5 * ap[i]) - c[i]);
        }

        return sum;
    }

    public override double ValueAndGradient(Matrix<double> parameters, Matrix<double> gradient)
    {
        var value = Value(parameters);
        var ap = product.AsColumnMajorArray();
        var c = linear.AsColumnMajorArray();
        var g = gradient.AsColumnMajorArray();
        for (var i = 0; i < g.Length; i++)
        {
            g[i] = ap[i] - c[i];
        }

        return value;
    }

    public override double LipschitzEstimate() =>
        (shared ? [grams[0]] : grams).Max(a => PowerIteration(v => a * v, a.RowCount));

    public override (Matrix<double> Weights, Vector<double> Biases) Split(Matrix<double> parameters)
    {
        var biases = Vector<double>.Build.Dense(Tasks, t => targetMeans[t] - (featureMeans[t].Row(0) * parameters.Column(t)));
        return (parameters.Clone(), biases);
    }

    public override Matrix<double> Join(Matrix<double> weights, Vector<double> biases) => weights.Clone();

    private void Multiply(Matrix<double> parameters)
    {
        if (shared)
        {
            grams[0].Multiply(parameters, product);
            return;
        }

        for (var t = 0; t < Tasks; t++)
        {
            parameters.Column(t, column);
            grams[t].Multiply(column, columnProduct);
            product.SetColumn(t, columnProduct);
        }
    }
}
