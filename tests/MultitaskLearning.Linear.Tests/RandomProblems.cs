using MathNet.Numerics.LinearAlgebra;
using MultitaskLearning.Linear;

namespace MultitaskLearning.Linear.Tests;

/// <summary>Seeded random problems: tasks share a few relevant features, so every regulariser has something to find.</summary>
internal static class RandomProblems
{
    public static LinearMultitaskProblem Create(int tasks = 3, int features = 6, int samples = 40, int seed = 1, LinearLoss loss = LinearLoss.LeastSquares, bool fitIntercept = true, bool sharedDesign = false)
    {
        var random = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var shared = Matrix<double>.Build.Dense(samples, features, (_, _) => Normal());
        var list = new List<LinearTask>();
        for (var t = 0; t < tasks; t++)
        {
            var x = sharedDesign ? shared : Matrix<double>.Build.Dense(samples + (3 * t), features, (_, _) => Normal());
            var w = Vector<double>.Build.Dense(features, j => j < 3 ? 1 + (0.3 * t) + (0.2 * Normal()) : 0);
            var z = (x * w) + (fitIntercept ? 0.7 : 0) + Vector<double>.Build.Dense(x.RowCount, _ => 0.5 * Normal());
            var y = loss == LinearLoss.LeastSquares ? z : z.Map(v => v > 0 ? 1.0 : -1.0);
            list.Add(new LinearTask($"task-{t}", x, y));
        }

        return new LinearMultitaskProblem(list, loss, fitIntercept);
    }
}
