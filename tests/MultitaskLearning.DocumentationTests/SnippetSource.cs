using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace MultitaskLearning.DocumentationTests;

/// <summary>
/// Turns documentation blocks that are not whole programs into C# files that compile side by side in one project:
/// an <em>example</em> (a complete top-level program with its own <c>using</c> directives) becomes a method of its own
/// namespace, keeping its usings, so a missing using still fails; a <em>fragment</em> (a few statements that use
/// variables the text introduced before) becomes a method whose parameters declare those variables, after the
/// library's namespaces.
/// </summary>
public static partial class SnippetSource
{
    /// <summary>The namespaces a fragment may use without saying so (those a reader has from the Quick start and the
    /// sections before the fragment).</summary>
    public static IReadOnlyList<string> FragmentNamespaces { get; } =
    [
        "Microsoft.Extensions.Logging", "TorchSharp", "MultitaskLearning", "MultitaskLearning.Data", "MultitaskLearning.Data.Shards", "MultitaskLearning.Data.Tabular",
        "MultitaskLearning.Models", "MultitaskLearning.Tasks", "MultitaskLearning.Training", "MultitaskLearning.Training.Aggregation",
        "MultitaskLearning.Training.Weighting", "MultitaskLearning.Linear", "MultitaskLearning.Linear.Regularizers", "MultitaskLearning.Reporting",
    ];

    /// <summary>The file for a complete program checked as an example.</summary>
    /// <param name="block">The block.</param>
    /// <param name="index">A number unique among the snippets of one project.</param>
    /// <returns>C# source.</returns>
    public static string FromExample(MarkdownCodeBlock block, int index)
    {
        var lines = block.Code.TrimEnd('\n').Split('\n');
        var usings = lines.TakeWhile(l => l.StartsWith("using ", StringComparison.Ordinal) || l.Trim().Length == 0).ToArray();
        var body = lines.Skip(usings.Length);
        return Wrap(block, index, string.Join('\n', usings), string.Empty, block.Line + 1 + usings.Length, body);
    }

    /// <summary>The file for a fragment.</summary>
    /// <param name="block">The block; its directive is <c>fragment (Type name, …)</c>.</param>
    /// <param name="index">A number unique among the snippets of one project.</param>
    /// <returns>C# source.</returns>
    /// <exception cref="FormatException">The directive does not declare the parameters.</exception>
    public static string FromFragment(MarkdownCodeBlock block, int index)
    {
        var match = FragmentDirective().Match(block.Directive ?? string.Empty);
        if (!match.Success)
        {
            throw new FormatException($"{block.Location}: a fragment's directive must read 'fragment (Type name, ...)', not '{block.Directive}'.");
        }

        var usings = string.Join('\n', FragmentNamespaces.Select(n => $"using {n};"));
        return Wrap(block, index, usings, match.Groups["parameters"].Value.Trim(), block.Line + 1, block.Code.TrimEnd('\n').Split('\n'));
    }

    private static string Wrap(MarkdownCodeBlock block, int index, string usings, string parameters, int firstLine, IEnumerable<string> body)
    {
        var text = new StringBuilder();
        text.AppendLine(usings);
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"namespace DocumentationSnippet{index};");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"// {block.Location}");
        text.AppendLine("internal static class Snippet");
        text.AppendLine("{");
        text.AppendLine(CultureInfo.InvariantCulture, $"    public static async Task Run({parameters})");
        text.AppendLine("    {");
        text.AppendLine(CultureInfo.InvariantCulture, $"#line {firstLine} \"{block.File}\"");
        foreach (var line in body)
        {
            text.AppendLine(line);
        }

        text.AppendLine("#line default");
        text.AppendLine("        await Task.CompletedTask;");
        text.AppendLine("    }");
        text.AppendLine("}");
        return text.ToString();
    }

    [GeneratedRegex(@"^fragment\s*\((?<parameters>.*)\)\s*$")]
    private static partial Regex FragmentDirective();
}
