using Microsoft.ML;

namespace MultitaskLearning.ML;

/// <summary>The lazily transformed data: the input's rows with a transformer's prediction columns, computed row by row
/// as cursors read them. Parallel cursors share the transformer's thread-safe predictor.</summary>
internal sealed class PredictionDataView : IDataView
{
    private readonly MultitaskTransformer transformer;
    private readonly IDataView input;
    private readonly FeatureColumns features;

    public PredictionDataView(MultitaskTransformer transformer, IDataView input)
    {
        this.transformer = transformer;
        this.input = input;
        features = FeatureColumns.Resolve(input.Schema, transformer.FeatureColumnNames);
        Schema = transformer.Columns.OutputSchemaOf(input.Schema);
    }

    public bool CanShuffle => input.CanShuffle;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var active = ActiveColumns.Of(columnsNeeded, input.Schema, features, transformer.Columns.Count);
        return Wrap(input.GetRowCursor(active.Inputs, rand), active);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
    {
        var active = ActiveColumns.Of(columnsNeeded, input.Schema, features, transformer.Columns.Count);
        return input.GetRowCursorSet(active.Inputs, n, rand).Select(cursor => Wrap(cursor, active)).ToArray();
    }

    private PredictingCursor Wrap(DataViewRowCursor cursor, ActiveColumns active) =>
        new(cursor, new PredictedValues(cursor, Schema, active, features, transformer.Predictor, transformer.Columns));
}
