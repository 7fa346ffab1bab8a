using MultitaskLearning.Tasks;

namespace MultitaskLearning.Data;

/// <summary>
/// The labels of one task for a block of samples, in any of the forms users have (class indices, label names, label
/// sets, numbers). A <see langword="null"/> entry is a missing label: it is masked out of the task's loss and metrics,
/// never read as class 0.
/// </summary>
public abstract class LabelColumn
{
    private protected LabelColumn()
    {
    }

    /// <summary>The number of samples the column covers.</summary>
    public abstract int Count { get; }

    /// <summary>Class indices for a multiclass or binary task.</summary>
    /// <param name="classIndices">One entry per sample; <see langword="null"/> when missing.</param>
    /// <returns>The column.</returns>
    public static LabelColumn FromClassIndices(IReadOnlyList<int?> classIndices) => new ClassIndexColumn(classIndices);

    /// <summary>Label names for a multiclass or binary task, mapped through the task's vocabulary.</summary>
    /// <param name="labels">One entry per sample; <see langword="null"/> or empty when missing.</param>
    /// <returns>The column.</returns>
    public static LabelColumn FromLabels(IReadOnlyList<string?> labels) => new LabelNameColumn(labels);

    /// <summary>Label sets for a multi-label task, each label mapped through the task's vocabulary.</summary>
    /// <param name="labelSets">One set per sample (an empty set is a valid "no label applies"); <see langword="null"/> when missing.</param>
    /// <returns>The column.</returns>
    public static LabelColumn FromLabelSets(IReadOnlyList<IReadOnlyCollection<string>?> labelSets) => new LabelSetColumn(labelSets);

    /// <summary>Values for a single-output regression task. Values are stored as float32: an infinite value, or one outside
    /// the float32 range, is an <see cref="ArgumentException"/> naming the task and sample when the column is added to a
    /// <see cref="MultitaskDatasetBuilder"/>.</summary>
    /// <param name="values">One entry per sample; <see langword="null"/> or NaN when missing.</param>
    /// <returns>The column.</returns>
    public static LabelColumn FromValues(IReadOnlyList<double?> values) => new ValueColumn(values);

    /// <summary>Values for a single-output regression task where every sample is labelled.</summary>
    /// <param name="values">One entry per sample.</param>
    /// <returns>The column.</returns>
    public static LabelColumn FromValues(IReadOnlyList<double> values) =>
        new ValueColumn(values?.Select(v => (double?)v).ToArray() ?? throw new ArgumentNullException(nameof(values)));

    /// <summary>A target matrix (samples × target width): regression outputs, or 0/1 indicators of a multi-label task.</summary>
    /// <param name="values">The matrix.</param>
    /// <param name="present">Which rows are labelled; <see langword="null"/> means all.</param>
    /// <returns>The column.</returns>
    public static LabelColumn FromMatrix(float[,] values, IReadOnlyList<bool>? present = null) => new MatrixColumn(values, present);

    /// <summary>The targets of a task as they are stored in a dataset (any kind), to move them into another dataset.</summary>
    /// <param name="targets">The targets.</param>
    /// <returns>The column.</returns>
    public static LabelColumn FromTargets(TaskTargets targets) => new TargetsColumn(targets ?? throw new ArgumentNullException(nameof(targets)));

    /// <summary>Converts the column into dense targets for <paramref name="task"/>.</summary>
    /// <param name="task">The task the labels belong to.</param>
    /// <param name="values">Row-major targets (<see cref="Count"/> × <see cref="TaskDefinition.TargetWidth"/>); NaN where missing.</param>
    /// <param name="present">Which rows are labelled.</param>
    internal abstract void Resolve(TaskDefinition task, out float[] values, out bool[] present);

    private protected static InvalidOperationException KindMismatch(TaskDefinition task, string form) =>
        new($"Task '{task.Name}' is a {task.Kind} task; its labels cannot be given as {form}.");

    private protected static (float[] Values, bool[] Present) Allocate(int count, int width)
    {
        var values = new float[count * width];
        Array.Fill(values, float.NaN);
        return (values, new bool[count]);
    }

    private sealed class ClassIndexColumn(IReadOnlyList<int?> items) : LabelColumn
    {
        private readonly IReadOnlyList<int?> items = items ?? throw new ArgumentNullException(nameof(items));

        public override int Count => items.Count;

        internal override void Resolve(TaskDefinition task, out float[] values, out bool[] present)
        {
            if (task.Kind is not (TaskKind.Multiclass or TaskKind.Binary))
            {
                throw KindMismatch(task, "class indices");
            }

            (values, present) = Allocate(items.Count, 1);
            for (var i = 0; i < items.Count; i++)
            {
                if (items[i] is not { } index)
                {
                    continue;
                }

                if (index < 0 || index >= task.ClassCount)
                {
                    throw new ArgumentException(
                        $"Task '{task.Name}', sample {i}: class index {index} is outside [0, {task.ClassCount}).", nameof(items));
                }

                values[i] = index;
                present[i] = true;
            }
        }
    }

    private sealed class LabelNameColumn(IReadOnlyList<string?> items) : LabelColumn
    {
        private readonly IReadOnlyList<string?> items = items ?? throw new ArgumentNullException(nameof(items));

        public override int Count => items.Count;

        internal override void Resolve(TaskDefinition task, out float[] values, out bool[] present)
        {
            if (task.Kind is not (TaskKind.Multiclass or TaskKind.Binary))
            {
                throw KindMismatch(task, "single label names");
            }

            (values, present) = Allocate(items.Count, 1);
            for (var i = 0; i < items.Count; i++)
            {
                var label = items[i];
                if (string.IsNullOrEmpty(label))
                {
                    continue;
                }

                values[i] = LookUp(task, label, i);
                present[i] = true;
            }
        }
    }

    private sealed class LabelSetColumn(IReadOnlyList<IReadOnlyCollection<string>?> items) : LabelColumn
    {
        private readonly IReadOnlyList<IReadOnlyCollection<string>?> items = items ?? throw new ArgumentNullException(nameof(items));

        public override int Count => items.Count;

        internal override void Resolve(TaskDefinition task, out float[] values, out bool[] present)
        {
            if (task.Kind != TaskKind.MultiLabel)
            {
                throw KindMismatch(task, "label sets");
            }

            var width = task.OutputSize;
            (values, present) = Allocate(items.Count, width);
            for (var i = 0; i < items.Count; i++)
            {
                if (items[i] is not { } set)
                {
                    continue;
                }

                Array.Fill(values, 0f, i * width, width);
                foreach (var label in set)
                {
                    values[(i * width) + LookUp(task, label, i)] = 1f;
                }

                present[i] = true;
            }
        }
    }

    private sealed class ValueColumn(IReadOnlyList<double?> items) : LabelColumn
    {
        private readonly IReadOnlyList<double?> items = items ?? throw new ArgumentNullException(nameof(items));

        public override int Count => items.Count;

        internal override void Resolve(TaskDefinition task, out float[] values, out bool[] present)
        {
            if (task.Kind != TaskKind.Regression || task.OutputSize != 1)
            {
                throw KindMismatch(task, "one number per sample (use FromMatrix for several outputs)");
            }

            (values, present) = Allocate(items.Count, 1);
            for (var i = 0; i < items.Count; i++)
            {
                if (items[i] is not { } value || double.IsNaN(value))
                {
                    continue;
                }

                if (double.IsInfinity(value))
                {
                    throw new ArgumentException($"Task '{task.Name}', sample {i}: target is infinite.", nameof(items));
                }

                if (!float.IsFinite((float)value))
                {
                    throw new ArgumentException(
                        $"Task '{task.Name}', sample {i}: target {value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} is outside the float32 range (±{float.MaxValue.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}).",
                        nameof(items));
                }

                values[i] = (float)value;
                present[i] = true;
            }
        }
    }

    private sealed class MatrixColumn(float[,] matrix, IReadOnlyList<bool>? rowsPresent) : LabelColumn
    {
        private readonly float[,] matrix = matrix ?? throw new ArgumentNullException(nameof(matrix));

        public override int Count => matrix.GetLength(0);

        internal override void Resolve(TaskDefinition task, out float[] values, out bool[] present)
        {
            if (task.Kind is not (TaskKind.Regression or TaskKind.MultiLabel))
            {
                throw KindMismatch(task, "a target matrix");
            }

            int rows = matrix.GetLength(0), width = matrix.GetLength(1);
            if (width != task.TargetWidth)
            {
                throw new ArgumentException(
                    $"Task '{task.Name}': the target matrix has {width} columns; the task needs {task.TargetWidth}.", nameof(matrix));
            }

            if (rowsPresent is not null && rowsPresent.Count != rows)
            {
                throw new ArgumentException(
                    $"Task '{task.Name}': the presence mask has {rowsPresent.Count} entries for {rows} rows.", nameof(rowsPresent));
            }

            (values, present) = Allocate(rows, width);
            for (var i = 0; i < rows; i++)
            {
                if (rowsPresent is not null && !rowsPresent[i])
                {
                    continue;
                }

                for (var j = 0; j < width; j++)
                {
                    var v = matrix[i, j];
                    if (!float.IsFinite(v))
                    {
                        throw new ArgumentException($"Task '{task.Name}', sample {i}, output {j}: target is {v}.", nameof(matrix));
                    }

                    if (task.Kind == TaskKind.MultiLabel && v is not (0f or 1f))
                    {
                        throw new ArgumentException($"Task '{task.Name}', sample {i}, label {j}: a multi-label indicator must be 0 or 1, got {v}.", nameof(matrix));
                    }

                    values[(i * width) + j] = v;
                }

                present[i] = true;
            }
        }
    }

    private sealed class TargetsColumn(TaskTargets targets) : LabelColumn
    {
        public override int Count => targets.Count;

        internal override void Resolve(TaskDefinition task, out float[] values, out bool[] present)
        {
            if (!task.Equals(targets.Task))
            {
                throw new ArgumentException($"The targets belong to task {targets.Task}, not to {task}.", nameof(task));
            }

            values = (float[])targets.RawValues.Clone();
            present = (bool[])targets.RawPresent.Clone();
        }
    }

    private static int LookUp(TaskDefinition task, string label, int sample)
    {
        var vocabulary = task.Vocabulary
            ?? throw new InvalidOperationException($"Task '{task.Name}' has no label vocabulary to map label '{label}'.");
        if (vocabulary.TryGetIndex(label, out var index))
        {
            return index;
        }

        throw new KeyNotFoundException(
            $"Task '{task.Name}', sample {sample}: label '{label}' is not in the task's vocabulary [{vocabulary.Describe()}].");
    }
}
