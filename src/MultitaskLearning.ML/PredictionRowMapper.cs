using Microsoft.ML;
using Microsoft.ML.Data;

namespace MultitaskLearning.ML;

/// <summary>Maps single rows (ML.NET's prediction engine uses this).</summary>
internal sealed class PredictionRowMapper : IRowToRowMapper
{
    private readonly MultitaskTransformer transformer;
    private readonly FeatureColumns features;

    public PredictionRowMapper(MultitaskTransformer transformer, DataViewSchema inputSchema)
    {
        this.transformer = transformer;
        InputSchema = inputSchema;
        features = FeatureColumns.Resolve(inputSchema, transformer.FeatureColumnNames);
        OutputSchema = transformer.Columns.OutputSchemaOf(inputSchema);
    }

    public DataViewSchema InputSchema { get; }

    public DataViewSchema OutputSchema { get; }

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns) =>
        ActiveColumns.Of(dependingColumns, InputSchema, features, transformer.Columns.Count).Inputs;

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        var active = ActiveColumns.Of(activeColumns, InputSchema, features, transformer.Columns.Count);
        return new PredictingRow(input, new PredictedValues(input, OutputSchema, active, features, transformer.Predictor, transformer.Columns));
    }
}
