namespace MultitaskLearning.Reporting;

/// <summary>A section of the HTML page: a heading, an optional paragraph and table (already HTML), and images.</summary>
internal sealed record ReportSection(string Id, string Heading, string? TextHtml, string? TableHtml, IReadOnlyList<ReportImage> Images, int Level = 2);
