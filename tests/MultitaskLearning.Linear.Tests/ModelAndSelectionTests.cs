using MathNet.Numerics.LinearAlgebra;
using MultitaskLearning.Linear.Regularizers;
using Xunit;

namespace MultitaskLearning.Linear.Tests;

public sealed class ModelAndSelectionTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("mtl-linear-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void CrossValidation_IsReproducibleAndPicksAnInteriorLambda()
    {
        var problem = RandomProblems.Create(tasks: 4, features: 12, samples: 40, seed: 31);
        var first = LinearCrossValidation.Run(problem, new L21Regularizer(0), folds: 5, seed: 2);
        var second = LinearCrossValidation.Run(problem, new L21Regularizer(0), folds: 5, seed: 2);
        Assert.Equal(first.MeanErrors, second.MeanErrors);
        Assert.Equal(10, first.Lambdas.Count);
        Assert.True(first.Lambdas.SequenceEqual(first.Lambdas.OrderDescending()));
        Assert.Equal(first.Lambdas[first.MeanErrors.ToList().IndexOf(first.MeanErrors.Min())], first.BestLambda);
        Assert.True(first.BestLambda < first.Lambdas[0], "λ_max (all-zero model) should not win on informative data");
    }

    [Fact]
    public void FitCrossValidated_RefitsAtTheBestLambda()
    {
        var problem = RandomProblems.Create(seed: 32);
        var (fit, curve) = LinearMultitask.FitCrossValidated(problem, new RidgeRegularizer(0), [10, 1, 0.1, 0.01], folds: 3, seed: 1);
        Assert.Equal(curve.BestLambda, fit.Model.Lambda);
        Assert.Equal("ridge", fit.Model.Regularizer);
    }

    [Fact]
    public void Model_SaveLoad_RoundTripsExactly()
    {
        var problem = RandomProblems.Create(seed: 33);
        var model = LinearMultitask.Fit(problem, new TraceNormRegularizer(0.1)).Model;
        var path = Path.Combine(folder, "linear.json");
        model.Save(path);
        var loaded = LinearMultitaskModel.Load(path);
        Assert.Equal(model.Weights, loaded.Weights);
        Assert.Equal(model.Biases, loaded.Biases);
        Assert.Equal(model.TaskNames, loaded.TaskNames);
        Assert.Equal(model.Predict("task-1", problem.Tasks[1].Features), loaded.Predict("task-1", problem.Tasks[1].Features));
        Assert.Single(Directory.GetFiles(folder));
    }

    [Fact]
    public void Model_LoadCorruptFile_NamesIt()
    {
        var path = Path.Combine(folder, "bad.json");
        File.WriteAllText(path, "{\"format\": \"MultitaskLearning.Linear.Model\", \"version\": 1, \"tasks\": [\"a\"], \"weights\": [[1, 2]], \"biases\": [0], \"loss\": \"LeastSquares\"}");
        var error = Assert.Throws<InvalidDataException>(() => LinearMultitaskModel.Load(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("every weight row needs 1 values", error.Message);
    }

    [Fact]
    public void Inspection_RowNormsAndSingularValues()
    {
        var weights = Matrix<double>.Build.DenseOfArray(new double[,] { { 3, 4 }, { 0, 0 }, { 1, 0 } });
        var model = new LinearMultitaskModel(["a", "b"], weights, Vector<double>.Build.Dense(2), LinearLoss.LeastSquares, "l21", 0.1);
        Assert.Equal([5.0, 0.0, 1.0], model.FeatureImportance().ToArray());
        var s = model.SingularValues();
        Assert.Equal(2, s.Count);
        Assert.Equal(26.0, s.DotProduct(s), 10); // Σ σ² = ‖W‖²_F = 9 + 16 + 1
    }

    [Fact]
    public void L21_SelectsTheSharedFeatures()
    {
        // Only the first 3 of 12 features matter (in every task): ℓ2,1 at the CV λ keeps them, zeroes some of the others
        // and shrinks the rest to under 5 % of the weakest real feature (CV's λ favours prediction over exact selection).
        var problem = RandomProblems.Create(tasks: 5, features: 12, samples: 60, seed: 34);
        var (fit, _) = LinearMultitask.FitCrossValidated(problem, new L21Regularizer(0), seed: 3);
        var importance = fit.Model.FeatureImportance();
        Assert.True(importance.SubVector(0, 3).Minimum() > 0.5);
        Assert.True(importance.SubVector(3, 9).Count(v => v == 0) >= 2 && importance.SubVector(3, 9).Maximum() < 0.05 * importance.SubVector(0, 3).Minimum(), string.Join(", ", importance.Select(v => v.ToString("F3", System.Globalization.CultureInfo.InvariantCulture))));
    }
}
