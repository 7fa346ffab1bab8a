using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MultitaskLearning.Data;
using MultitaskLearning.Tasks;

namespace MultitaskLearning.ML;

/// <summary>
/// Reads one task's labels from a data view's label column, row by row, into a <see cref="LabelColumn"/>. A missing
/// label (NaN, an empty string, key 0) becomes a missing entry, which the trainer masks out of that task's loss.
/// </summary>
internal abstract class TaskLabelReader
{
    private protected TaskLabelReader(TaskDefinition task, DataViewSchema.Column column)
    {
        Task = task;
        Column = column;
    }

    /// <summary>The task.</summary>
    public TaskDefinition Task { get; }

    /// <summary>The label column.</summary>
    public DataViewSchema.Column Column { get; }

    /// <summary>Finds and checks a task's label column.</summary>
    /// <exception cref="ArgumentException">The column is missing or its type does not fit the task's kind; the message
    /// names the column and the task.</exception>
    public static TaskLabelReader Create(DataViewSchema schema, TaskDefinition task, string columnName)
    {
        var column = schema.GetColumnOrNull(columnName)
            ?? throw new ArgumentException(
                $"Label column '{columnName}' of task '{task.Name}' is not in the data; its columns are {SchemaText.Describe(schema)}.", nameof(columnName));
        var type = column.Type;
        switch (task.Kind)
        {
            case TaskKind.Multiclass or TaskKind.Binary:
                if (type is TextDataViewType || type is KeyDataViewType || type == NumberDataViewType.Single
                    || type == NumberDataViewType.Double || (task.Kind == TaskKind.Binary && type is BooleanDataViewType))
                {
                    return new ClassLabelReader(task, column);
                }

                throw Mismatch(task, column, task.Kind == TaskKind.Binary
                    ? "Boolean, a String label, a key, or a Single/Double 0 or 1 (NaN when missing)"
                    : "a String label, a key, or a Single/Double class index (NaN when missing)");
            case TaskKind.Regression:
                if ((task.OutputSize == 1 && (type == NumberDataViewType.Single || type == NumberDataViewType.Double))
                    || (type is VectorDataViewType vector && vector.ItemType == NumberDataViewType.Single && vector.Size == task.OutputSize))
                {
                    return new ValueLabelReader(task, column);
                }

                throw Mismatch(task, column, task.OutputSize == 1
                    ? "Single or Double (NaN when missing)"
                    : $"a vector of {task.OutputSize} Single values (NaN when missing)");
            default:
                throw new ArgumentException(
                    $"Task '{task.Name}' is a {task.Kind} task; the ML.NET estimator trains multiclass, binary and regression tasks.", nameof(task));
        }
    }

    /// <summary>Starts reading from a cursor or row whose label column is active.</summary>
    public abstract void Bind(DataViewRow row);

    /// <summary>Reads the current row's label.</summary>
    /// <param name="rowNumber">The row's number, for error messages.</param>
    public abstract void ReadCurrent(long rowNumber);

    /// <summary>The labels read so far.</summary>
    public abstract LabelColumn ToLabelColumn();

    private static ArgumentException Mismatch(TaskDefinition task, DataViewSchema.Column column, string expected) =>
        new($"Label column '{column.Name}' of task '{task.Name}' is {column.Type}; the labels of a {task.Kind} task must be {expected}.", nameof(column));

    private sealed class ClassLabelReader(TaskDefinition task, DataViewSchema.Column column) : TaskLabelReader(task, column)
    {
        private readonly List<int?> labels = [];
        private Func<long, int?>? read;

        public override void Bind(DataViewRow row)
        {
            var type = Column.Type;
            if (type is TextDataViewType)
            {
                var getter = row.GetGetter<ReadOnlyMemory<char>>(Column);
                var value = default(ReadOnlyMemory<char>);
                read = number =>
                {
                    getter(ref value);
                    var text = value.Span.Trim();
                    return text.IsEmpty ? null : ClassOf(text.ToString(), number);
                };
            }
            else if (type is KeyDataViewType key)
            {
                var getter = KeyGetter(row);
                var keyValues = KeyValues(key);
                read = number =>
                {
                    var k = getter();
                    if (k == 0)
                    {
                        return null;
                    }

                    if (keyValues is not null)
                    {
                        return ClassOf(keyValues[(int)(k - 1)], number);
                    }

                    return k <= (ulong)Task.ClassCount
                        ? (int)(k - 1)
                        : throw new InvalidDataException(
                            $"Label column '{Column.Name}' of task '{Task.Name}', row {number}: key {k} is outside the task's {Task.ClassCount} classes.");
                };
            }
            else if (type is BooleanDataViewType)
            {
                var getter = row.GetGetter<bool>(Column);
                var value = false;
                read = _ =>
                {
                    getter(ref value);
                    return value ? 1 : 0;
                };
            }
            else
            {
                var getter = NumberGetter(row, Column);
                read = number =>
                {
                    var value = getter();
                    if (double.IsNaN(value))
                    {
                        return null;
                    }

                    if (value != Math.Floor(value) || value < 0 || value >= Task.ClassCount)
                    {
                        throw new InvalidDataException(
                            $"Label column '{Column.Name}' of task '{Task.Name}', row {number}: {value.ToString(CultureInfo.InvariantCulture)} is not a class index in [0, {Task.ClassCount}).");
                    }

                    return (int)value;
                };
            }
        }

        public override void ReadCurrent(long rowNumber) =>
            labels.Add((read ?? throw new InvalidOperationException("Bind first."))(rowNumber));

        public override LabelColumn ToLabelColumn() => LabelColumn.FromClassIndices(labels);

        private int ClassOf(string label, long number)
        {
            for (var c = 0; c < Task.ClassCount; c++)
            {
                if (string.Equals(Task.LabelOf(c), label, StringComparison.Ordinal))
                {
                    return c;
                }
            }

            throw new InvalidDataException(
                $"Label column '{Column.Name}' of task '{Task.Name}', row {number}: label '{label}' is not one of the task's labels ({string.Join(", ", Enumerable.Range(0, Task.ClassCount).Select(Task.LabelOf))}).");
        }

        private string[]? KeyValues(KeyDataViewType key)
        {
            if (Column.Annotations.Schema.GetColumnOrNull(AnnotationUtils.Kinds.KeyValues) is not { } annotation
                || annotation.Type is not VectorDataViewType { ItemType: TextDataViewType })
            {
                return null;
            }

            var values = default(VBuffer<ReadOnlyMemory<char>>);
            Column.Annotations.GetValue(AnnotationUtils.Kinds.KeyValues, ref values);
            var texts = values.DenseValues().Select(v => v.ToString()).ToArray();
            return texts.Length == (int)key.Count ? texts : null;
        }

        private Func<ulong> KeyGetter(DataViewRow row)
        {
            switch (Type.GetTypeCode(Column.Type.RawType))
            {
                case TypeCode.Byte:
                    {
                        var getter = row.GetGetter<byte>(Column);
                        byte value = 0;
                        return () => { getter(ref value); return value; };
                    }

                case TypeCode.UInt16:
                    {
                        var getter = row.GetGetter<ushort>(Column);
                        ushort value = 0;
                        return () => { getter(ref value); return value; };
                    }

                case TypeCode.UInt32:
                    {
                        var getter = row.GetGetter<uint>(Column);
                        uint value = 0;
                        return () => { getter(ref value); return value; };
                    }

                default:
                    {
                        var getter = row.GetGetter<ulong>(Column);
                        ulong value = 0;
                        return () => { getter(ref value); return value; };
                    }
            }
        }
    }

    private sealed class ValueLabelReader(TaskDefinition task, DataViewSchema.Column column) : TaskLabelReader(task, column)
    {
        private readonly List<float[]?> rows = [];
        private Func<float[]?>? read;

        public override void Bind(DataViewRow row)
        {
            if (Column.Type is VectorDataViewType)
            {
                var getter = row.GetGetter<VBuffer<float>>(Column);
                var value = default(VBuffer<float>);
                read = () =>
                {
                    getter(ref value);
                    var values = new float[Task.OutputSize];
                    value.CopyTo(values);
                    return values.Any(float.IsNaN) ? null : values;
                };
            }
            else
            {
                var getter = NumberGetter(row, Column);
                read = () =>
                {
                    var value = getter();
                    return double.IsNaN(value) ? null : [(float)value];
                };
            }
        }

        public override void ReadCurrent(long rowNumber)
        {
            var values = (read ?? throw new InvalidOperationException("Bind first."))();
            if (values is not null && values.Any(float.IsInfinity))
            {
                throw new InvalidDataException($"Label column '{Column.Name}' of task '{Task.Name}', row {rowNumber}: the label is infinite.");
            }

            rows.Add(values);
        }

        public override LabelColumn ToLabelColumn()
        {
            var matrix = new float[rows.Count, Task.OutputSize];
            var present = new bool[rows.Count];
            for (var i = 0; i < rows.Count; i++)
            {
                if (rows[i] is { } values)
                {
                    present[i] = true;
                    for (var j = 0; j < values.Length; j++)
                    {
                        matrix[i, j] = values[j];
                    }
                }
            }

            return LabelColumn.FromMatrix(matrix, present);
        }
    }

    private static Func<double> NumberGetter(DataViewRow row, DataViewSchema.Column column)
    {
        if (column.Type == NumberDataViewType.Double)
        {
            var getter = row.GetGetter<double>(column);
            var value = 0d;
            return () => { getter(ref value); return value; };
        }

        var single = row.GetGetter<float>(column);
        var singleValue = 0f;
        return () => { single(ref singleValue); return singleValue; };
    }
}
