using System.Text.RegularExpressions;

namespace MultitaskLearning.DocumentationTests;

/// <summary>A fenced code block of a Markdown file, with the check directive written just before it
/// (<c>&lt;!-- doc-check: ... --&gt;</c>), if any.</summary>
/// <param name="File">The Markdown file's name, for messages.</param>
/// <param name="Line">The line of the opening fence (from 1).</param>
/// <param name="Language">The fence's language tag ("csharp", "bash", "xml", or empty).</param>
/// <param name="Code">The block's text, without the fences.</param>
/// <param name="Directive">The directive's words, or <see langword="null"/>.</param>
public sealed partial record MarkdownCodeBlock(string File, int Line, string Language, string Code, string? Directive)
{
    /// <summary>Where the block is, for messages.</summary>
    public string Location => $"{File}:{Line}";

    /// <summary>Whether the block is C#.</summary>
    public bool IsCSharp => Language is "csharp" or "cs" or "c#";

    /// <summary>Reads every fenced block of a Markdown text.</summary>
    /// <param name="file">The file's name, for messages.</param>
    /// <param name="text">The Markdown text.</param>
    /// <returns>The blocks in order.</returns>
    /// <exception cref="FormatException">A fence is not closed.</exception>
    public static IReadOnlyList<MarkdownCodeBlock> Parse(string file, string text)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        var blocks = new List<MarkdownCodeBlock>();
        string? directive = null;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (DirectivePattern().Match(line) is { Success: true } match)
            {
                directive = match.Groups["words"].Value.Trim();
                continue;
            }

            if (!line.StartsWith("```", StringComparison.Ordinal))
            {
                if (line.Trim().Length > 0)
                {
                    directive = null; // a directive applies only to the block right after it
                }

                continue;
            }

            var language = line[3..].Trim();
            var start = i;
            var body = new List<string>();
            for (i++; i < lines.Length && !lines[i].StartsWith("```", StringComparison.Ordinal); i++)
            {
                body.Add(lines[i]);
            }

            if (i == lines.Length)
            {
                throw new FormatException($"{file}:{start + 1}: the code fence is not closed.");
            }

            blocks.Add(new MarkdownCodeBlock(file, start + 1, language, string.Join('\n', body) + "\n", directive));
            directive = null;
        }

        return blocks;
    }

    [GeneratedRegex(@"^\s*<!--\s*doc-check:(?<words>.*?)-->\s*$")]
    private static partial Regex DirectivePattern();
}
