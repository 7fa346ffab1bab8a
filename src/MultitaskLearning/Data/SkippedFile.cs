namespace MultitaskLearning.Data;

/// <summary>A file an adapter could not use and skipped because the caller asked it to skip bad files.</summary>
/// <param name="Path">The file.</param>
/// <param name="Row">The manifest row (1-based, header excluded) that named it, when it came from a manifest.</param>
/// <param name="Reason">What was wrong; a decoder's own message (which names the file) or, for other exceptions, their
/// type and message.</param>
public sealed record SkippedFile(string Path, int? Row, string Reason);
