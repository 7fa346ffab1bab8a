namespace MultitaskLearning.Samples.Serving;

/// <summary>One task of the served model, as <c>GET /model</c> shows it.</summary>
/// <param name="Name">The task's name (a key of each prediction).</param>
/// <param name="Kind">Multiclass, Binary, MultiLabel or Regression.</param>
/// <param name="Input">The input the task is predicted from.</param>
/// <param name="Labels">Classification: the label names in output order; regression: the output names ("0", "1", …).</param>
/// <param name="OutputSize">The number of outputs (classes, labels, 1 for binary, or regression values).</param>
public sealed record TaskDescription(string Name, string Kind, string Input, IReadOnlyList<string> Labels, int OutputSize);
