namespace MultitaskLearning.Reporting;

/// <summary>A confusion matrix added to a report (see <see cref="TrainingReport.AddConfusionMatrix(string, ConfusionMatrix, string?)"/>).</summary>
internal sealed record ReportConfusion(string Task, string? Model, ConfusionMatrix Matrix);
