using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using MultitaskLearning.Linear;
using MultitaskLearning.Linear.Regularizers;

namespace MultitaskLearning.Samples.SchoolExams;

/// <summary>
/// The linear family on one split: every method is fitted on the training rows with λ chosen by 5-fold
/// cross-validation on those rows only, then predicts the test rows. x28 (the constant) is the unpenalised per-school bias.
/// </summary>
internal static class LinearMethods
{
    public static IReadOnlyList<string> Names { get; } = ["ridge", "ridge-per-school", "mean-regularized", "l21", "trace-norm"];

    private static readonly double[] SmoothPath = Enumerable.Range(0, 13).Select(i => Math.Pow(10, 2 - (0.5 * i))).ToArray();

    /// <summary>Fits every linear method; returns test predictions (schools in order, rows in order) and the chosen λ.</summary>
    public static IEnumerable<(string Name, double[] Predictions, string Lambda)> Run(IReadOnlyList<School> schools, int seed)
    {
        var train = Problem(schools, test: false);
        var test = Problem(schools, test: true);

        var (ridge, ridgeCurve) = LinearMultitask.FitCrossValidated(train, new RidgeRegularizer(0), SmoothPath, seed: seed);
        yield return ("ridge", Predict(ridge.Model, test), Format(ridgeCurve.BestLambda));

        // One λ per school: each school is its own single-task problem with its own cross-validation.
        var perSchool = new List<double>();
        var lambdas = new List<double>();
        for (var t = 0; t < train.Tasks.Count; t++)
        {
            var single = new LinearMultitaskProblem([train.Tasks[t]]);
            var (fit, curve) = LinearMultitask.FitCrossValidated(single, new RidgeRegularizer(0), SmoothPath, seed: seed + t);
            perSchool.AddRange(fit.Model.Predict(0, test.Tasks[t].Features));
            lambdas.Add(curve.BestLambda);
        }

        yield return ("ridge-per-school", [.. perSchool], $"median {Format(lambdas.Order().ElementAt(lambdas.Count / 2))}");

        foreach (LinearRegularizer regularizer in new LinearRegularizer[] { new MeanRegularizer(0), new L21Regularizer(0), new TraceNormRegularizer(0) })
        {
            var path = regularizer is MeanRegularizer ? SmoothPath : null;
            var (fit, curve) = LinearMultitask.FitCrossValidated(train, regularizer, path, seed: seed);
            yield return (regularizer.Name, Predict(fit.Model, test), Format(curve.BestLambda));
        }
    }

    private static LinearMultitaskProblem Problem(IReadOnlyList<School> schools, bool test) => new(schools.Select(s =>
    {
        var rows = test ? s.TestFeatures : s.TrainFeatures;
        var scores = test ? s.TestScores : s.TrainScores;
        return new LinearTask(s.Name, Matrix<double>.Build.Dense(rows.Length, rows[0].Length, (i, j) => rows[i][j]), Vector<double>.Build.DenseOfArray(scores));
    }));

    private static double[] Predict(LinearMultitaskModel model, LinearMultitaskProblem test) =>
        test.Tasks.SelectMany((task, t) => model.Predict(t, task.Features)).ToArray();

    private static string Format(double lambda) => lambda.ToString("G3", CultureInfo.InvariantCulture);
}
