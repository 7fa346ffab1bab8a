namespace MultitaskLearning.Data;

/// <summary>One data file (audio, image) and its label fields, from a file-name pattern, a folder name or a manifest's columns.</summary>
/// <param name="Path">The file.</param>
/// <param name="Fields">Label fields by name, for example digit, speaker, text.</param>
/// <param name="ManifestRow">The manifest row (1-based, header excluded), when it came from a manifest.</param>
public sealed record LabeledFile(string Path, IReadOnlyDictionary<string, string> Fields, int? ManifestRow = null)
{
    /// <summary>"file 'x'" or "manifest row r, file 'x'", for messages.</summary>
    public string Describe() => ManifestRow is { } row ? $"manifest row {row}, file '{Path}'" : $"file '{Path}'";
}
