namespace MultitaskLearning.Samples.Serving;

/// <summary>A checked <c>POST /predict</c> body: the input and its samples.</summary>
/// <param name="Input">The input's name.</param>
/// <param name="Samples">The samples, each of the input's sample size; missing values are NaN.</param>
internal sealed record PredictionRequest(string Input, IReadOnlyList<float[]> Samples);
