namespace MultitaskLearning.Reporting;

/// <summary>One comparison chart's data (see <see cref="TrainingReport.AddComparison"/>): the models and tasks in the
/// order they first appear.</summary>
internal sealed record ComparisonSet(string Metric, IReadOnlyList<ComparisonEntry> Entries, string? Baseline, string? Caption)
{
    public IReadOnlyList<string> Models { get; } = Entries.Select(e => e.Model).Distinct(StringComparer.Ordinal).ToArray();

    public IReadOnlyList<string> Tasks { get; } = Entries.Select(e => e.Task).Distinct(StringComparer.Ordinal).ToArray();

    public ComparisonEntry? Find(string model, string task) =>
        Entries.FirstOrDefault(e => e.Model == model && e.Task == task);
}
