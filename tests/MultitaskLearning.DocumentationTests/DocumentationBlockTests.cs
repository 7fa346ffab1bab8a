using Xunit;

namespace MultitaskLearning.DocumentationTests;

/// <summary>Checks that need no packages: every C# block says how it is checked, the directives are known, and the
/// README's Quick start is the sample the build compiles.</summary>
public sealed class DocumentationBlockTests
{
    [Fact]
    public void EveryCSharpBlock_SaysHowItIsChecked()
    {
        var csharp = DocumentationBlocks.All.Where(b => b.IsCSharp).ToArray();
        Assert.NotEmpty(csharp);
        var unmarked = csharp
            .Where(b => b.Directive is null || !(b.Directive.StartsWith("program ", StringComparison.Ordinal) || b.Directive == "example" || b.Directive.StartsWith("fragment", StringComparison.Ordinal)))
            .Select(b => $"{b.Location} ({b.Directive ?? "no directive"})")
            .ToArray();
        Assert.True(unmarked.Length == 0,
            "These C# blocks do not say how they are checked; put '<!-- doc-check: program NAME -->', '<!-- doc-check: example -->' or "
            + "'<!-- doc-check: fragment (Type name, ...) -->' on the line before each:\n" + string.Join('\n', unmarked));
    }

    [Fact]
    public void EveryProgramBlock_HasATestThatRunsIt()
    {
        var programs = DocumentationBlocks.All.Where(b => b.Directive?.StartsWith("program ", StringComparison.Ordinal) == true)
            .Select(b => b.Directive!["program ".Length..]).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(ReadmeProgramTests.Programs.Order(StringComparer.Ordinal), programs);
    }

    [Fact]
    public void QuickStart_IsTheQuickStartSample()
    {
        var block = DocumentationBlocks.Single("program quick-start").Code;
        var sample = File.ReadAllText(RepositoryLayout.File("samples/QuickStart/Program.cs")).ReplaceLineEndings("\n");
        var withoutLeadingComments = string.Join('\n', sample.Split('\n').SkipWhile(l => l.StartsWith("//", StringComparison.Ordinal)));
        Assert.Equal(block, withoutLeadingComments);
    }

    [Fact]
    public void Parser_TiesADirectiveToTheNextBlockOnly()
    {
        var blocks = MarkdownCodeBlock.Parse("doc.md", "<!-- doc-check: example -->\n```csharp\nA();\n```\ntext\n\n```csharp\nB();\n```\n<!-- doc-check: fragment () -->\n\nprose\n```cs\nC();\n```\n");
        Assert.Equal(3, blocks.Count);
        Assert.Equal(("example", 2, "A();\n"), (blocks[0].Directive, blocks[0].Line, blocks[0].Code));
        Assert.Null(blocks[1].Directive);
        Assert.Null(blocks[2].Directive); // prose came between the directive and the block
        Assert.True(blocks[2].IsCSharp);
    }

    [Fact]
    public void Parser_RefusesAnUnclosedFence()
    {
        var error = Assert.Throws<FormatException>(() => MarkdownCodeBlock.Parse("doc.md", "text\n```csharp\nA();\n"));
        Assert.Contains("doc.md:2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fragment_WithoutParameterList_IsRefusedNamingTheBlock()
    {
        var block = new MarkdownCodeBlock("README.md", 7, "csharp", "A();\n", "fragment");
        var error = Assert.Throws<FormatException>(() => SnippetSource.FromFragment(block, 0));
        Assert.Contains("README.md:7", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Example_KeepsItsOwnUsingsOutsideTheMethod()
    {
        var block = new MarkdownCodeBlock("PACKAGE.md", 3, "csharp", "using A.B;\n\nvar x = 1;\nConsole.WriteLine(x);\n", "example");
        var source = SnippetSource.FromExample(block, 4);
        Assert.StartsWith("using A.B;", source, StringComparison.Ordinal);
        Assert.Contains("namespace DocumentationSnippet4;", source, StringComparison.Ordinal);
        Assert.Contains("#line 6 \"PACKAGE.md\"\nvar x = 1;", source.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }
}
