using MultitaskLearning.Data;
using MultitaskLearning.Tasks;

namespace MultitaskLearning.Export.Tests;

/// <summary>
/// Seeded data for export checks: samples of a given shape with a few missing values, and one task of every
/// <see cref="TaskKind"/> (a multiclass, a binary, a multi-label and a two-output regression task) whose labels depend
/// on the samples, so that training moves the weights somewhere meaningful.
/// </summary>
internal sealed class ParityData
{
    private ParityData(MultitaskDataset dataset, float[] raw, int count, int[] sampleShape)
    {
        Dataset = dataset;
        Raw = raw;
        Count = count;
        SampleShape = sampleShape;
    }

    /// <summary>The dataset (input "signal" unless another name is given).</summary>
    public MultitaskDataset Dataset { get; }

    /// <summary>The raw samples, row-major, missing values as NaN.</summary>
    public float[] Raw { get; }

    /// <summary>The number of samples.</summary>
    public int Count { get; }

    /// <summary>The shape of one sample.</summary>
    public int[] SampleShape { get; }

    /// <summary>The values of one sample.</summary>
    public float[] Sample(int row)
    {
        var size = Raw.Length / Count;
        return Raw.AsSpan(row * size, size).ToArray();
    }

    /// <summary>Tasks of every kind on one input.</summary>
    /// <param name="sampleShape">The sample shape, for example [12], [2, 16] or [1, 8, 8].</param>
    /// <param name="count">Number of samples.</param>
    /// <param name="seed">Seed.</param>
    /// <param name="inputName">The input's name.</param>
    /// <param name="taskPrefix">A prefix of the task names (to keep tasks of several inputs apart).</param>
    /// <param name="kinds">The task kinds to include (all by default).</param>
    public static ParityData Create(int[] sampleShape, int count, int seed, string inputName = "signal", string taskPrefix = "", TaskKind[]? kinds = null)
    {
        kinds ??= Enum.GetValues<TaskKind>();
        var random = new Random(seed);
        var size = sampleShape.Aggregate(1, (a, b) => a * b);
        var raw = new float[count * size];
        var labels = new Dictionary<string, LabelColumn>(StringComparer.Ordinal);
        var tasks = new List<TaskDefinition>();
        var classes = new int?[count];
        var flags = new string?[count];
        var tags = new IReadOnlyCollection<string>?[count];
        var levels = new float[count, 2];
        var present = new bool[count];
        for (var i = 0; i < count; i++)
        {
            double first = 0, second = 0;
            for (var j = 0; j < size; j++)
            {
                var v = (float)((random.NextDouble() * 4) - 1) * (1 + (j % 3));
                raw[(i * size) + j] = v;
                if (j < size / 2)
                {
                    first += v;
                }
                else
                {
                    second += v;
                }
            }

            // A few missing values; the inputs impute them with the training mean.
            if (random.NextDouble() < 0.1)
            {
                raw[(i * size) + random.Next(size)] = float.NaN;
            }

            classes[i] = first > second + 2 ? 2 : first > second - 2 ? 1 : 0;
            flags[i] = random.NextDouble() < 0.05 ? null : first > 0 ? "high" : "low";
            tags[i] = new[] { first > 3 ? "left" : null, second > 3 ? "right" : null, random.NextDouble() < 0.5 ? "noise" : null }
                .Where(t => t is not null).Select(t => t!).ToArray();
            levels[i, 0] = (float)((first * 10) + 100);
            levels[i, 1] = (float)(second - first);
            present[i] = random.NextDouble() > 0.05;
        }

        foreach (var kind in kinds)
        {
            switch (kind)
            {
                case TaskKind.Multiclass:
                    tasks.Add(TaskDefinition.Multiclass(taskPrefix + "shape", "small", "even", "large"));
                    labels[taskPrefix + "shape"] = LabelColumn.FromClassIndices(classes);
                    break;
                case TaskKind.Binary:
                    tasks.Add(TaskDefinition.Binary(taskPrefix + "flag", "low", "high"));
                    labels[taskPrefix + "flag"] = LabelColumn.FromLabels(flags);
                    break;
                case TaskKind.MultiLabel:
                    tasks.Add(TaskDefinition.MultiLabel(taskPrefix + "tags", "left", "right", "noise"));
                    labels[taskPrefix + "tags"] = LabelColumn.FromLabelSets(tags);
                    break;
                case TaskKind.Regression:
                    tasks.Add(TaskDefinition.Regression(taskPrefix + "level", outputs: 2));
                    labels[taskPrefix + "level"] = LabelColumn.FromMatrix(levels, present);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(kinds), kind, "A task kind the export tests have no data for: add it here.");
            }
        }

        var dataset = new MultitaskDatasetBuilder(tasks).AddSamples(inputName, raw, sampleShape, labels).Build();
        return new ParityData(dataset, raw, count, sampleShape);
    }
}
