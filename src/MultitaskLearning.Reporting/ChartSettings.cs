namespace MultitaskLearning.Reporting;

/// <summary>The size, font and task limit a report renders its charts with (see <see cref="TrainingReport"/>).</summary>
internal sealed record ChartSettings(int Width, int Height, string? FontFamily, int MaxTaskCurves);
