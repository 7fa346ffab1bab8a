using MultitaskLearning.Tasks;

namespace MultitaskLearning.Data;

/// <summary>
/// The targets of one task over the rows of its input table: a row-major matrix (rows × <see cref="TaskDefinition.TargetWidth"/>)
/// and a mask telling which rows are labelled. Unlabelled rows hold NaN and are excluded from the task's loss and metrics.
/// </summary>
public sealed class TaskTargets
{
    private readonly float[] values;
    private readonly bool[] present;

    internal TaskTargets(TaskDefinition task, string inputName, float[] values, bool[] present)
    {
        Task = task;
        InputName = inputName;
        this.values = values;
        this.present = present;
        LabelledCount = present.Count(p => p);
    }

    /// <summary>The task.</summary>
    public TaskDefinition Task { get; }

    /// <summary>The input table whose rows the targets belong to.</summary>
    public string InputName { get; }

    /// <summary>The number of rows (labelled or not).</summary>
    public int Count => present.Length;

    /// <summary>The number of labelled rows.</summary>
    public int LabelledCount { get; }

    /// <summary>Row-major targets: class indices (multiclass, binary), 0/1 indicators (multi-label) or values (regression).</summary>
    public ReadOnlyMemory<float> Values => values;

    /// <summary>Which rows are labelled.</summary>
    public IReadOnlyList<bool> Present => present;

    internal float[] RawValues => values;

    internal bool[] RawPresent => present;

    internal TaskTargets Select(int[] rows)
    {
        var width = Task.TargetWidth;
        var selectedValues = new float[rows.Length * width];
        var selectedPresent = new bool[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            Array.Copy(values, rows[i] * width, selectedValues, i * width, width);
            selectedPresent[i] = present[rows[i]];
        }

        return new TaskTargets(Task, InputName, selectedValues, selectedPresent);
    }
}
