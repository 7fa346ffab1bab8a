namespace MultitaskLearning.Reporting;

/// <summary>One bar of a comparison chart (<see cref="TrainingReport.AddComparison"/>): a model's value of the compared
/// metric on one task, for example the shared-trunk model's test accuracy on the image task.</summary>
/// <param name="Model">The model (one colour in the chart), for example <c>shared-trunk</c> or <c>task-specific</c>.</param>
/// <param name="Task">The task (one group of bars), for example <c>image</c>; use one name such as <c>all</c> for a
/// metric pooled over the tasks.</param>
/// <param name="Value">The metric's value.</param>
/// <param name="Error">An optional error bar drawn as ±<paramref name="Error"/> around the value, for example the
/// standard deviation over repeated runs; <see langword="null"/> for none.</param>
public sealed record ComparisonEntry(string Model, string Task, double Value, double? Error = null);
