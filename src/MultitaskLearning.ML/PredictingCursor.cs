using Microsoft.ML;
using Microsoft.ML.Data;

namespace MultitaskLearning.ML;

/// <summary>A cursor over the transformed data: the input cursor's rows with the prediction columns.</summary>
internal sealed class PredictingCursor(DataViewRowCursor input, PredictedValues values) : DataViewRowCursor
{
    public override DataViewSchema Schema => values.Schema;

    public override long Position => input.Position;

    public override long Batch => input.Batch;

    public override bool MoveNext() => input.MoveNext();

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => values.GetGetter<TValue>(column);

    public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();

    public override bool IsColumnActive(DataViewSchema.Column column) => values.IsColumnActive(column);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            input.Dispose();
        }

        base.Dispose(disposing);
    }
}
