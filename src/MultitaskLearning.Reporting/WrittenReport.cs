namespace MultitaskLearning.Reporting;

/// <summary>The files that <see cref="TrainingReport.WriteTo"/> wrote.</summary>
/// <param name="Directory">The report folder (full path).</param>
/// <param name="IndexPath">The self-contained HTML page (full path of <c>index.html</c>).</param>
/// <param name="Images">The PNG files (full paths), in the order the page shows them.</param>
public sealed record WrittenReport(string Directory, string IndexPath, IReadOnlyList<string> Images);
