using Microsoft.ML;

namespace MultitaskLearning.ML;

/// <summary>Which of an output schema's columns are wanted, split into the input columns to read (including the feature
/// columns when a prediction column is wanted) and the wanted prediction columns.</summary>
internal sealed class ActiveColumns
{
    private ActiveColumns(DataViewSchema.Column[] inputs, bool[] outputs)
    {
        Inputs = inputs;
        Outputs = outputs;
    }

    /// <summary>The input columns to read.</summary>
    public IReadOnlyList<DataViewSchema.Column> Inputs { get; }

    /// <summary>Per prediction column, whether it is wanted.</summary>
    public bool[] Outputs { get; }

    public static ActiveColumns Of(IEnumerable<DataViewSchema.Column> wanted, DataViewSchema inputSchema, FeatureColumns features, int outputCount)
    {
        var inputs = new SortedDictionary<int, DataViewSchema.Column>();
        var outputs = new bool[outputCount];
        foreach (var column in wanted)
        {
            if (column.Index < inputSchema.Count)
            {
                inputs[column.Index] = inputSchema[column.Index];
            }
            else if (column.Index - inputSchema.Count < outputCount)
            {
                outputs[column.Index - inputSchema.Count] = true;
            }
        }

        if (outputs.Any(o => o))
        {
            foreach (var feature in features.Columns)
            {
                inputs[feature.Index] = feature;
            }
        }

        return new ActiveColumns([.. inputs.Values], outputs);
    }
}
