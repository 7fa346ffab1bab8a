using MultitaskLearning.Tasks;

namespace MultitaskLearning.Evaluation;

/// <summary>A task's predictions on the labelled rows of a dataset, next to the true targets, in plain .NET arrays.</summary>
public sealed class TaskOutputs
{
    internal TaskOutputs(TaskDefinition task, int[] rows, float[] targets, float[] scores)
    {
        Task = task;
        Rows = rows;
        Targets = targets;
        Scores = scores;
    }

    /// <summary>The task.</summary>
    public TaskDefinition Task { get; }

    /// <summary>The labelled rows of the task's input table, in order.</summary>
    public IReadOnlyList<int> Rows { get; }

    /// <summary>The true targets of those rows, row-major with <see cref="TaskDefinition.TargetWidth"/> values each
    /// (class index, 0/1 indicators, or values in the original units).</summary>
    public IReadOnlyList<float> Targets { get; }

    /// <summary>The predictions, row-major with <see cref="TaskDefinition.OutputSize"/> values each: class probabilities
    /// (multiclass), probability of the positive class (binary), per-label probabilities (multi-label), or values in the
    /// original units (regression).</summary>
    public IReadOnlyList<float> Scores { get; }

    /// <summary>The number of labelled rows.</summary>
    public int Count => Rows.Count;

    /// <summary>The predicted class index of each row (multiclass: argmax; binary: probability ≥ 0.5).</summary>
    /// <returns>One class index per row.</returns>
    public int[] PredictedClasses()
    {
        var width = Task.OutputSize;
        var result = new int[Count];
        for (var i = 0; i < Count; i++)
        {
            if (Task.Kind == TaskKind.Binary)
            {
                result[i] = Scores[i] >= 0.5f ? 1 : 0;
                continue;
            }

            var best = 0;
            for (var c = 1; c < width; c++)
            {
                if (Scores[(i * width) + c] > Scores[(i * width) + best])
                {
                    best = c;
                }
            }

            result[i] = best;
        }

        return result;
    }
}
