using Microsoft.ML;
using MultitaskLearning.Inference;

namespace MultitaskLearning.ML;

/// <summary>
/// The values of one output row: the input row's columns, followed by the predictions of its features. The prediction
/// is computed when a prediction column is first read for a row and kept until the input moves to another row.
/// </summary>
internal sealed class PredictedValues
{
    private readonly DataViewRow input;
    private readonly MultitaskPredictor predictor;
    private readonly PredictionColumns columns;
    private readonly bool[] activeOutputs;
    private readonly Action<float[]>? readFeatures;
    private readonly float[] features;
    private long predictedPosition = -1;
    private IReadOnlyDictionary<string, TaskPrediction>? prediction;

    public PredictedValues(DataViewRow input, DataViewSchema outputSchema, ActiveColumns active, FeatureColumns featureColumns, MultitaskPredictor predictor, PredictionColumns columns)
    {
        this.input = input;
        this.predictor = predictor;
        this.columns = columns;
        Schema = outputSchema;
        activeOutputs = active.Outputs;
        features = new float[featureColumns.Width];
        readFeatures = activeOutputs.Any(a => a) ? featureColumns.CreateReader(input) : null;
    }

    public DataViewSchema Schema { get; }

    public bool IsColumnActive(DataViewSchema.Column column) => column.Index < input.Schema.Count
        ? input.IsColumnActive(input.Schema[column.Index])
        : activeOutputs[column.Index - input.Schema.Count];

    public ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (column.Index < input.Schema.Count)
        {
            return input.GetGetter<TValue>(input.Schema[column.Index]);
        }

        var index = column.Index - input.Schema.Count;
        if (index >= activeOutputs.Length || !activeOutputs[index])
        {
            throw new InvalidOperationException($"Column '{column.Name}' was not requested from this cursor, so it has no getter.");
        }

        return columns.GetterOf<TValue>(index, Current);
    }

    private IReadOnlyDictionary<string, TaskPrediction> Current()
    {
        if (prediction is null || predictedPosition != input.Position)
        {
            readFeatures!(features);
            prediction = predictor.Predict(MultitaskTransformer.InputName, features);
            predictedPosition = input.Position;
        }

        return prediction;
    }
}
