using MathNet.Numerics.LinearAlgebra;
using MultitaskLearning.Linear.Regularizers;
using Xunit;

namespace MultitaskLearning.Linear.Tests;

public sealed class ProblemValidationTests
{
    private static readonly Matrix<double> X = Matrix<double>.Build.DenseOfArray(new double[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } });

    [Fact]
    public void Task_NaNInFeatures_NamesTaskAndCell()
    {
        var x = X.Clone();
        x[1, 0] = double.NaN;
        var error = Assert.Throws<ArgumentException>(() => new LinearTask("school-4", x, Vector<double>.Build.Dense(3)));
        Assert.Contains("Task 'school-4': X[1, 0] is NaN.", error.Message);
    }

    [Fact]
    public void Task_InfiniteTarget_NamesTaskAndIndex()
    {
        var error = Assert.Throws<ArgumentException>(() => new LinearTask("a", X, Vector<double>.Build.DenseOfArray([1, double.PositiveInfinity, 0])));
        Assert.Contains("Task 'a': y[1] is ∞", error.Message.Replace("Infinity", "∞", StringComparison.Ordinal));
    }

    [Fact]
    public void Task_RowMismatchAndNoSamples_AreErrors()
    {
        Assert.Contains("Task 'a': X has 3 rows but y has 2 values.", Assert.Throws<ArgumentException>(() => new LinearTask("a", X, Vector<double>.Build.Dense(2))).Message);
        Assert.Contains("Task 'b' has no samples.", Assert.Throws<ArgumentException>(() => LinearTask.FromArrays("b", [], [])).Message);
    }

    [Fact]
    public void Problem_NonBinaryLogisticLabel_NamesTask()
    {
        var task = new LinearTask("pass", X, Vector<double>.Build.DenseOfArray([1, 0, 2]));
        var error = Assert.Throws<ArgumentException>(() => new LinearMultitaskProblem([task], LinearLoss.Logistic));
        Assert.Contains("Task 'pass': logistic loss needs binary labels, -1/+1 or 0/1; found 0, 1, 2.", error.Message);
    }

    [Fact]
    public void Problem_FeatureCountMismatch_NamesBothTasks()
    {
        var a = new LinearTask("a", X, Vector<double>.Build.Dense(3));
        var b = new LinearTask("b", Matrix<double>.Build.Dense(3, 3), Vector<double>.Build.Dense(3));
        var error = Assert.Throws<ArgumentException>(() => new LinearMultitaskProblem([a, b]));
        Assert.Contains("Task 'b' has 3 features; task 'a' has 2.", error.Message);
    }

    [Fact]
    public void Logistic_ZeroOneAndPlusMinusOneLabels_GiveTheSameModel()
    {
        var zeroOne = RandomProblems.Create(loss: LinearLoss.Logistic, seed: 3);
        var plusMinus = new LinearMultitaskProblem(
            zeroOne.Tasks.Select(t => new LinearTask(t.Name, t.Features, t.Targets.Map(v => v > 0 ? 1.0 : 0.0))), LinearLoss.Logistic);
        var a = LinearMultitask.Fit(zeroOne, new L21Regularizer(0.02));
        var b = LinearMultitask.Fit(plusMinus, new L21Regularizer(0.02));
        Assert.True((a.Model.Weights - b.Model.Weights).Enumerate().Max(Math.Abs) < 1e-12);
        Assert.True(a.Model.Evaluate(zeroOne).Pooled["accuracy"] > 0.8);
        Assert.InRange(a.Model.Evaluate(zeroOne).Pooled["auc"], 0.85, 1);
    }
}
