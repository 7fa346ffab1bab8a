namespace MultitaskLearning.DocumentationTests;

/// <summary>The documents whose code blocks are checked, and their blocks.</summary>
public static class DocumentationBlocks
{
    /// <summary>The repository README and every package's PACKAGE.md, relative to the root.</summary>
    public static IReadOnlyList<string> Documents { get; } =
    [
        "README.md",
        .. Directory.GetFiles(RepositoryLayout.File("src"), "PACKAGE.md", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(RepositoryLayout.Root, p).Replace('\\', '/'))
            .Order(StringComparer.Ordinal),
    ];

    /// <summary>Every fenced block of every document.</summary>
    public static IReadOnlyList<MarkdownCodeBlock> All { get; } =
        [.. Documents.SelectMany(d => MarkdownCodeBlock.Parse(d, File.ReadAllText(RepositoryLayout.File(d))))];

    /// <summary>The one block with a directive.</summary>
    /// <param name="directive">The directive, for example "program quick-start".</param>
    /// <returns>The block.</returns>
    public static MarkdownCodeBlock Single(string directive)
    {
        var matches = All.Where(b => b.Directive == directive).ToArray();
        return matches.Length == 1
            ? matches[0]
            : throw new Xunit.Sdk.XunitException($"The documentation has {matches.Length} blocks marked '<!-- doc-check: {directive} -->'; the tests need exactly one.");
    }
}
