using MultitaskLearning.Training;

namespace MultitaskLearning.Reporting;

/// <summary>Task relationships added to a report (see <see cref="TrainingReport.AddTaskRelationships"/>).</summary>
internal sealed record ReportRelationships(string? Model, TaskRelationships Relationships);
