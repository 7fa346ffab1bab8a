using Microsoft.ML;
using Microsoft.ML.Data;

namespace MultitaskLearning.ML;

/// <summary>One input row with the prediction columns (what <see cref="IRowToRowMapper.GetRow"/> returns, for
/// ML.NET's prediction engine).</summary>
internal sealed class PredictingRow(DataViewRow input, PredictedValues values) : DataViewRow
{
    public override DataViewSchema Schema => values.Schema;

    public override long Position => input.Position;

    public override long Batch => input.Batch;

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => values.GetGetter<TValue>(column);

    public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();

    public override bool IsColumnActive(DataViewSchema.Column column) => values.IsColumnActive(column);
}
