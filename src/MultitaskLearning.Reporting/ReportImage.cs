namespace MultitaskLearning.Reporting;

/// <summary>One rendered chart of a report: its file name in the report folder, heading, caption and PNG bytes.</summary>
internal sealed record ReportImage(string FileName, string Title, string Caption, byte[] Png, int Width, int Height);
