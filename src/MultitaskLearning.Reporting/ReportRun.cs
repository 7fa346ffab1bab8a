using MultitaskLearning.Training;

namespace MultitaskLearning.Reporting;

/// <summary>A training run added to a report (see <see cref="TrainingReport.AddRun"/>).</summary>
internal sealed record ReportRun(string Name, TrainingHistory History);
