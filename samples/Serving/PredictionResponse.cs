namespace MultitaskLearning.Samples.Serving;

/// <summary>The answer of <c>POST /predict</c>.</summary>
/// <param name="Input">The input the samples were read as.</param>
/// <param name="Predictions">Per sample, in request order, each task's prediction by task name.</param>
public sealed record PredictionResponse(string Input, IReadOnlyList<IReadOnlyDictionary<string, TaskResult>> Predictions);
