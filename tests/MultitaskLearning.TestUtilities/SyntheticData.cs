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

    /// <summary>Tiny 1×8×8 images: "quadrant" is the bright quadrant (4 classes), "bright" whether the image is
    /// brighter than average overall (binary), on one image input.</summary>
    /// <param name="count">Number of images.</param>
    /// <param name="seed">Seed.</param>
    /// <returns>The dataset with input "image".</returns>
    public static MultitaskDataset Quadrants(int count = 200, int seed = 3)
    {
        var random = new Random(seed);
        var pixels = new float[count * 64];
        var quadrant = new int?[count];
        var bright = new int?[count];
        for (var i = 0; i < count; i++)
        {
            var q = random.Next(4);
            var level = (float)random.NextDouble();
            for (var p = 0; p < 64; p++)
            {
                int row = p / 8, column = p % 8;
                var inside = (row < 4 ? 0 : 2) + (column < 4 ? 0 : 1) == q;
                pixels[(i * 64) + p] = (inside ? 1f : 0f) + (0.5f * level) + (0.2f * (float)random.NextDouble());
            }

            quadrant[i] = q;
            bright[i] = level > 0.5 ? 1 : 0;
        }

        return new MultitaskDatasetBuilder([TaskDefinition.Multiclass("quadrant", 4), TaskDefinition.Binary("bright")])
            .AddSamples("image", pixels, [1, 8, 8], new Dictionary<string, LabelColumn>
            {
                ["quadrant"] = LabelColumn.FromClassIndices(quadrant),
                ["bright"] = LabelColumn.FromClassIndices(bright),
            })
            .Build();
    }
}
