using Microsoft.ML;
using Microsoft.ML.Data;

namespace MultitaskLearning.ML;

/// <summary>The feature columns of a data view, checked and laid end to end: reads one row's features into a buffer.</summary>
internal sealed class FeatureColumns
{
    private readonly DataViewSchema.Column[] columns;
    private readonly int[] widths;

    private FeatureColumns(DataViewSchema.Column[] columns, int[] widths)
    {
        this.columns = columns;
        this.widths = widths;
        Width = widths.Sum();
    }

    /// <summary>The number of features (the widths of the columns added up).</summary>
    public int Width { get; }

    /// <summary>The columns, in order.</summary>
    public IReadOnlyList<DataViewSchema.Column> Columns => columns;

    /// <summary>Finds and checks the feature columns.</summary>
    /// <exception cref="ArgumentException">A column is missing, or is not <c>Single</c> or a known-size vector of <c>Single</c>.</exception>
    public static FeatureColumns Resolve(DataViewSchema schema, IReadOnlyList<string> names)
    {
        if (names.Count == 0)
        {
            throw new ArgumentException("At least one feature column is needed.", nameof(names));
        }

        var columns = new DataViewSchema.Column[names.Count];
        var widths = new int[names.Count];
        for (var i = 0; i < names.Count; i++)
        {
            var column = schema.GetColumnOrNull(names[i])
                ?? throw new ArgumentException(
                    $"Feature column '{names[i]}' is not in the data; its columns are {SchemaText.Describe(schema)}.", nameof(schema));
            widths[i] = WidthOf(column);
            columns[i] = column;
        }

        return new FeatureColumns(columns, widths);
    }

    /// <summary>Checks feature columns of an estimator's input shape.</summary>
    public static void Check(SchemaShape shape, IReadOnlyList<string> names)
    {
        foreach (var name in names)
        {
            if (!shape.TryFindColumn(name, out var column))
            {
                throw new ArgumentException($"Feature column '{name}' is not in the data.", nameof(shape));
            }

            if (column.ItemType != NumberDataViewType.Single || column.IsKey || column.Kind == SchemaShape.Column.VectorKind.VariableVector)
            {
                throw new ArgumentException(
                    $"Feature column '{name}' is {column.ItemType}{(column.Kind == SchemaShape.Column.VectorKind.Scalar ? "" : " vector")}; {Requirement}", nameof(shape));
            }
        }
    }

    /// <summary>A reader that copies the current row's features into a buffer of <see cref="Width"/> values.</summary>
    public Action<float[]> CreateReader(DataViewRow row)
    {
        var readers = new Action<float[], int>[columns.Length];
        var offset = 0;
        for (var i = 0; i < columns.Length; i++)
        {
            var start = offset;
            var width = widths[i];
            if (columns[i].Type is VectorDataViewType)
            {
                var getter = row.GetGetter<VBuffer<float>>(columns[i]);
                var value = default(VBuffer<float>);
                readers[i] = (buffer, _) =>
                {
                    getter(ref value);
                    value.CopyTo(buffer.AsSpan(start, width));
                };
            }
            else
            {
                var getter = row.GetGetter<float>(columns[i]);
                var value = 0f;
                readers[i] = (buffer, _) =>
                {
                    getter(ref value);
                    buffer[start] = value;
                };
            }

            offset += width;
        }

        return buffer =>
        {
            foreach (var read in readers)
            {
                read(buffer, 0);
            }
        };
    }

    private const string Requirement =
        "a feature column must be Single or a vector of Single of known size (convert it with mlContext.Transforms.Conversion.ConvertType).";

    private static int WidthOf(DataViewSchema.Column column)
    {
        switch (column.Type)
        {
            case NumberDataViewType number when number == NumberDataViewType.Single:
                return 1;
            case VectorDataViewType vector when vector.ItemType == NumberDataViewType.Single && vector.IsKnownSize:
                return vector.Size;
            default:
                throw new ArgumentException($"Feature column '{column.Name}' is {column.Type}; {Requirement}", nameof(column));
        }
    }
}
