using MathNet.Numerics.LinearAlgebra;

namespace MultitaskLearning.Samples.SchoolExams;

/// <summary>
/// Independent ridge regression per school, the classical single-task baseline: for each school,
/// w = (XᵀX + λI)⁻¹ Xᵀ(y − ȳ) and ŷ = ȳ + Xw (unpenalised bias), with one λ for all schools chosen by 5-fold
/// cross-validation on the training rows (pooled squared error).
/// </summary>
internal static class RidgeBaseline
{
    private static readonly double[] LambdaGrid = [0.01, 0.1, 1, 3, 10, 30, 100, 300, 1000];

    public static (double Lambda, IReadOnlyList<double[]> Predictions) FitAndPredict(IReadOnlyList<School> schools, int seed)
    {
        var lambda = ChooseLambda(schools, seed);
        var predictions = schools.Select(s => Predict(s.TrainFeatures, s.TrainScores, s.TestFeatures, lambda)).ToArray();
        return (lambda, predictions);
    }

    private static double ChooseLambda(IReadOnlyList<School> schools, int seed)
    {
        const int folds = 5;
        var random = new Random(seed);
        var foldOf = schools.Select(s =>
        {
            var order = Enumerable.Range(0, s.TrainScores.Length).Select(i => i % folds).ToArray();
            random.Shuffle(order);
            return order;
        }).ToArray();
        var best = (Lambda: LambdaGrid[0], Error: double.PositiveInfinity);
        foreach (var lambda in LambdaGrid)
        {
            double error = 0;
            for (var s = 0; s < schools.Count; s++)
            {
                for (var f = 0; f < folds; f++)
                {
                    var train = Enumerable.Range(0, schools[s].TrainScores.Length).Where(i => foldOf[s][i] != f).ToArray();
                    var held = Enumerable.Range(0, schools[s].TrainScores.Length).Where(i => foldOf[s][i] == f).ToArray();
                    if (held.Length == 0)
                    {
                        continue;
                    }

                    var predicted = Predict(
                        train.Select(i => schools[s].TrainFeatures[i]).ToArray(),
                        train.Select(i => schools[s].TrainScores[i]).ToArray(),
                        held.Select(i => schools[s].TrainFeatures[i]).ToArray(),
                        lambda);
                    error += held.Select((i, k) => Math.Pow(schools[s].TrainScores[i] - predicted[k], 2)).Sum();
                }
            }

            if (error < best.Error)
            {
                best = (lambda, error);
            }
        }

        return best.Lambda;
    }

    private static double[] Predict(float[][] trainX, double[] trainY, float[][] testX, double lambda)
    {
        var x = Matrix<double>.Build.DenseOfRowArrays(trainX.Select(r => r.Select(v => (double)v).ToArray()));
        var columnMeans = x.ColumnSums() / x.RowCount;
        var centred = x - Matrix<double>.Build.Dense(x.RowCount, x.ColumnCount, (_, j) => columnMeans[j]);
        var yMean = trainY.Average();
        var y = Vector<double>.Build.DenseOfEnumerable(trainY.Select(v => v - yMean));
        var gram = centred.TransposeThisAndMultiply(centred) + (lambda * Matrix<double>.Build.DenseIdentity(x.ColumnCount));
        var w = gram.Cholesky().Solve(centred.TransposeThisAndMultiply(y));
        var bias = yMean - columnMeans.DotProduct(w);
        return testX.Select(r => bias + r.Select((v, j) => v * w[j]).Sum()).ToArray();
    }
}
