using MultitaskLearning.Data;
using MultitaskLearning.Tasks;

namespace MultitaskLearning.TestUtilities;

/// <summary>Small seeded datasets with known structure for tests.</summary>
public static class SyntheticData
{
    /// <summary>Two related tasks on one input: a regression y = x·w + noise and a binary task "y &gt; 0", each with
    /// a fraction of labels missing.</summary>
    /// <param name="count">Number of samples.</param>
    /// <param name="features">Number of features.</param>
    /// <param name="seed">Seed.</param>
    /// <param name="missingFraction">Fraction of labels of each task that are missing.</param>
    /// <returns>The dataset with tasks "score" (regression) and "pass" (binary).</returns>
    public static MultitaskDataset RelatedTasks(int count = 200, int features = 5, int seed = 1, double missingFraction = 0.1)
    {
        var random = new Random(seed);
        var weights = Enumerable.Range(0, features).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var x = new float[count, features];
        var score = new double?[count];
        var pass = new string?[count];
        for (var i = 0; i < count; i++)
        {
            double y = 0;
            for (var j = 0; j < features; j++)
            {
                x[i, j] = (float)(random.NextDouble() * 4 - 2);
                y += x[i, j] * weights[j];
            }

            y += 0.1 * (random.NextDouble() - 0.5);
            score[i] = random.NextDouble() < missingFraction ? null : 10 + 5 * y;
            pass[i] = random.NextDouble() < missingFraction ? null : y > 0 ? "yes" : "no";
        }

        TaskDefinition[] tasks = [TaskDefinition.Regression("score"), TaskDefinition.Binary("pass", "no", "yes")];
        return new MultitaskDatasetBuilder(tasks)
            .AddSamples("features", x, new Dictionary<string, LabelColumn>
            {
                ["score"] = LabelColumn.FromValues(score),
                ["pass"] = LabelColumn.FromLabels(pass),
            })
            .Build();
    }

    /// <summary>A multiclass task: the class is the index of the largest of the first <paramref name="classes"/> features.</summary>
    /// <param name="count">Number of samples.</param>
    /// <param name="classes">Number of classes (and informative features).</param>
    /// <param name="seed">Seed.</param>
    /// <returns>The dataset with task "argmax".</returns>
    public static MultitaskDataset Argmax(int count = 300, int classes = 3, int seed = 2)
    {
        var random = new Random(seed);
        var x = new float[count, classes + 1];
        var labels = new int?[count];
        for (var i = 0; i < count; i++)
        {
            var best = 0;
            for (var j = 0; j <= classes; j++)
            {
                x[i, j] = (float)random.NextDouble();
                if (j < classes && x[i, j] > x[i, best])
                {
                    best = j;
                }
            }

            labels[i] = best;
        }

        return new MultitaskDatasetBuilder([TaskDefinition.Multiclass("argmax", classes)])
            .AddSamples("features", x, new Dictionary<string, LabelColumn> { ["argmax"] = LabelColumn.FromClassIndices(labels) })
            .Build();
    }
}
