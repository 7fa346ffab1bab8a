using System.Text;
using System.Text.RegularExpressions;

namespace MultitaskLearning.Data;

/// <summary>Where data files and their labels come from: file names that carry the labels, one folder per label, or a manifest CSV.</summary>
public static class LabeledFileSources
{
    /// <summary>Lists the files of a folder that match a file-name pattern; each {field} becomes a label field.
    /// For FSDD, <c>{digit}_{speaker}_{index}.wav</c> gives fields digit, speaker and index.</summary>
    /// <param name="folder">The folder (not searched recursively).</param>
    /// <param name="pattern">The pattern: literal text with {field} placeholders.</param>
    /// <returns>The matching files, sorted by name, with their fields.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="ArgumentException">The pattern has no placeholder or repeats one.</exception>
    public static IReadOnlyList<LabeledFile> FromFileNamePattern(string folder, string pattern)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"Data folder '{folder}' does not exist.");
        }

        var regex = PatternToRegex(pattern, out var fields);
        return Directory.EnumerateFiles(folder)
            .Select(path => (Path: path, Match: regex.Match(Path.GetFileName(path))))
            .Where(x => x.Match.Success)
            .OrderBy(x => x.Path, StringComparer.Ordinal)
            .Select(x => new LabeledFile(x.Path, fields.ToDictionary(f => f, f => x.Match.Groups[f].Value, StringComparer.Ordinal)))
            .ToArray();
    }

    /// <summary>Reads a manifest CSV with a header: a <c>path</c> column (relative to the manifest's folder or absolute)
    /// and label columns (<c>text</c> for speech, <c>label</c> for images, and any others).</summary>
    /// <param name="manifestPath">The manifest.</param>
    /// <returns>One item per row; every column except path is a field.</returns>
    /// <exception cref="InvalidDataException">The manifest lacks a path column or a row is malformed; the message names the row.</exception>
    public static IReadOnlyList<LabeledFile> FromManifest(string manifestPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(manifestPath);
        if (!File.Exists(manifestPath))
        {
            throw new FileNotFoundException($"Manifest '{manifestPath}' does not exist.", manifestPath);
        }

        var lines = File.ReadAllLines(manifestPath, Encoding.UTF8).Where(l => l.Length > 0).ToArray();
        if (lines.Length == 0)
        {
            throw new InvalidDataException($"Manifest '{manifestPath}' is empty; it needs a header with a 'path' column.");
        }

        var header = SplitCsv(lines[0]);
        var pathColumn = Array.IndexOf(header, "path");
        if (pathColumn < 0)
        {
            throw new InvalidDataException($"Manifest '{manifestPath}' has no 'path' column. Columns: {string.Join(", ", header)}.");
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(manifestPath))!;
        var items = new List<LabeledFile>();
        for (var row = 1; row < lines.Length; row++)
        {
            var cells = SplitCsv(lines[row]);
            if (cells.Length != header.Length)
            {
                throw new InvalidDataException($"Manifest '{manifestPath}', row {row}: {cells.Length} fields; the header has {header.Length}.");
            }

            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var c = 0; c < header.Length; c++)
            {
                if (c != pathColumn)
                {
                    fields[header[c]] = cells[c];
                }
            }

            items.Add(new LabeledFile(Path.GetFullPath(cells[pathColumn], folder), fields, row));
        }

        return items;
    }

    /// <summary>Lists the files of every sub-folder of <paramref name="root"/>; the sub-folder's name is the label
    /// field <paramref name="field"/> (the usual layout of image classification data: root/cat/1.png, root/dog/2.png).</summary>
    /// <param name="root">The folder holding one sub-folder per label.</param>
    /// <param name="field">The field name for the label.</param>
    /// <param name="extensions">File endings to include (case-insensitive), for example [".png", ".jpg"]; <see langword="null"/> for all files.</param>
    /// <returns>The files, sorted by path.</returns>
    public static IReadOnlyList<LabeledFile> FromFolderPerLabel(string root, string field = "label", IReadOnlyCollection<string>? extensions = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"Data folder '{root}' does not exist.");
        }

        return Directory.EnumerateDirectories(root)
            .SelectMany(folder => Directory.EnumerateFiles(folder).Select(path => (Label: Path.GetFileName(folder), Path: path)))
            .Where(x => extensions is null || extensions.Any(e => x.Path.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(x => x.Path, StringComparer.Ordinal)
            .Select(x => new LabeledFile(x.Path, new Dictionary<string, string>(StringComparer.Ordinal) { [field] = x.Label }))
            .ToArray();
    }

    internal static string[] SplitCsv(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString().Trim());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString().Trim());
        return [.. fields];
    }

    private static Regex PatternToRegex(string pattern, out List<string> fields)
    {
        fields = [];
        var regex = new StringBuilder("^");
        var position = 0;
        foreach (Match placeholder in Regex.Matches(pattern, @"\{([A-Za-z][A-Za-z0-9_]*)\}"))
        {
            regex.Append(Regex.Escape(pattern[position..placeholder.Index]));
            var name = placeholder.Groups[1].Value;
            if (fields.Contains(name))
            {
                throw new ArgumentException($"File-name pattern '{pattern}' uses {{{name}}} twice.", nameof(pattern));
            }

            fields.Add(name);
            regex.Append($"(?<{name}>.+?)");
            position = placeholder.Index + placeholder.Length;
        }

        if (fields.Count == 0)
        {
            throw new ArgumentException($"File-name pattern '{pattern}' has no {{field}} placeholder.", nameof(pattern));
        }

        regex.Append(Regex.Escape(pattern[position..])).Append('$');
        return new Regex(regex.ToString(), RegexOptions.CultureInvariant);
    }
}
