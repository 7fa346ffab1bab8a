using Microsoft.ML;
using Microsoft.ML.Data;
using MultitaskLearning.Inference;
using MultitaskLearning.Tasks;

namespace MultitaskLearning.ML;

/// <summary>The columns a <see cref="MultitaskTransformer"/> adds (see <see cref="MultitaskColumnNames"/>): their names,
/// types and annotations, and getters that read them from a row's predictions.</summary>
internal sealed class PredictionColumns
{
    private readonly OutputColumn[] columns;

    public PredictionColumns(IReadOnlyList<TaskDefinition> tasks)
    {
        columns = tasks.SelectMany(ColumnsOf).ToArray();
    }

    /// <summary>The number of added columns.</summary>
    public int Count => columns.Length;

    /// <summary>The added columns' names, in order.</summary>
    public IEnumerable<string> Names => columns.Select(c => c.Name);

    /// <summary>The input schema followed by the added columns (which hide input columns of the same name).</summary>
    public DataViewSchema OutputSchemaOf(DataViewSchema inputSchema)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        foreach (var column in columns)
        {
            builder.AddColumn(column.Name, column.Type, column.Annotations);
        }

        return builder.ToSchema();
    }

    /// <summary>The added columns as an estimator's schema shape.</summary>
    public IEnumerable<SchemaShape.Column> ShapeColumns() => columns.Select(c => new SchemaShape.Column(
        c.Name,
        c.Type is VectorDataViewType ? SchemaShape.Column.VectorKind.Vector : SchemaShape.Column.VectorKind.Scalar,
        c.Type is VectorDataViewType vector ? vector.ItemType : c.Type is KeyDataViewType ? NumberDataViewType.UInt32 : c.Type,
        c.Type is KeyDataViewType,
        SchemaShape.Create(c.Annotations.Schema)));

    /// <summary>A getter of added column <paramref name="index"/> reading the current row's predictions.</summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="TValue"/> is not the column's value type.</exception>
    public ValueGetter<TValue> GetterOf<TValue>(int index, Func<IReadOnlyDictionary<string, TaskPrediction>> current)
    {
        var column = columns[index];
        return column.CreateGetter(current) as ValueGetter<TValue>
            ?? throw new InvalidOperationException(
                $"Column '{column.Name}' holds {column.Type} values ({column.Type.RawType.Name}), not {typeof(TValue).Name}.");
    }

    private static IEnumerable<OutputColumn> ColumnsOf(TaskDefinition task)
    {
        var name = task.Name;
        if (task.Kind == TaskKind.Regression)
        {
            if (task.OutputSize == 1)
            {
                yield return new OutputColumn(MultitaskColumnNames.Score(name), NumberDataViewType.Single, Empty(), current =>
                    (ValueGetter<float>)((ref float value) => value = (float)current()[name].Values![0]));
            }
            else
            {
                yield return new OutputColumn(MultitaskColumnNames.Score(name), new VectorDataViewType(NumberDataViewType.Single, task.OutputSize), Empty(), current =>
                    (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) => Fill(ref value, current()[name].Values!.Select(v => (float)v).ToArray())));
            }

            yield break;
        }

        var classes = task.ClassCount;
        var labels = Enumerable.Range(0, classes).Select(task.LabelOf).ToArray();
        var labelMemories = labels.Select(l => l.AsMemory()).ToArray();
        yield return new OutputColumn(MultitaskColumnNames.PredictedLabel(name), TextDataViewType.Instance, Empty(), current =>
            (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> value) => value = labelMemories[current()[name].ClassIndex!.Value]));

        var keyValues = new DataViewSchema.Annotations.Builder();
        keyValues.AddKeyValues(classes, TextDataViewType.Instance, (ref VBuffer<ReadOnlyMemory<char>> value) => Fill(ref value, labelMemories));
        yield return new OutputColumn(MultitaskColumnNames.PredictedKey(name), new KeyDataViewType(typeof(uint), classes), keyValues.ToAnnotations(), current =>
            (ValueGetter<uint>)((ref uint value) => value = (uint)current()[name].ClassIndex!.Value + 1));

        var slotNames = new DataViewSchema.Annotations.Builder();
        slotNames.AddSlotNames(classes, (ref VBuffer<ReadOnlyMemory<char>> value) => Fill(ref value, labelMemories));
        yield return new OutputColumn(MultitaskColumnNames.Score(name), new VectorDataViewType(NumberDataViewType.Single, classes), slotNames.ToAnnotations(), current =>
            (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
            {
                var probabilities = current()[name].Probabilities!;
                Fill(ref value, labels.Select(l => (float)probabilities[l]).ToArray());
            }));

        if (task.Kind == TaskKind.Binary)
        {
            yield return new OutputColumn(MultitaskColumnNames.Probability(name), NumberDataViewType.Single, Empty(), current =>
                (ValueGetter<float>)((ref float value) => value = (float)current()[name].Probabilities![labels[1]]));
        }
    }

    private static DataViewSchema.Annotations Empty() => new DataViewSchema.Annotations.Builder().ToAnnotations();

    private static void Fill<T>(ref VBuffer<T> destination, T[] values)
    {
        var editor = VBufferEditor.Create(ref destination, values.Length);
        values.AsSpan().CopyTo(editor.Values);
        destination = editor.Commit();
    }

    private sealed record OutputColumn(
        string Name,
        DataViewType Type,
        DataViewSchema.Annotations Annotations,
        Func<Func<IReadOnlyDictionary<string, TaskPrediction>>, Delegate> CreateGetter);
}
