using System.Text.RegularExpressions;
using Xunit;

namespace MultitaskLearning.Tests.Architecture;

/// <summary>
/// The core package's namespaces form layers without cycles: a namespace uses only namespaces of lower layers. The
/// test reads the source (code lines, not comments) for <c>using</c> directives, qualified names and, below the top
/// layer, the façade types of the root namespace (which C# would otherwise resolve silently from any namespace).
/// </summary>
public sealed partial class NamespaceLayerTests
{
    /// <summary>Lowest first. Sub-namespaces belong to their parent's layer.</summary>
    private static readonly string[][] Layers =
    [
        ["Runtime", "Kernels", "Tasks", "Graphs"],
        ["Data"],
        ["Evaluation"],
        ["Models"],
        ["Persistence"],
        ["Training", "Inference"],
        [""], // the façade: MultitaskModel, MultitaskTrainer, FeatureAttribution
    ];

    private static readonly string[] FacadeTypes = ["MultitaskModel", "MultitaskTrainer", "FeatureAttribution"];

    [Fact]
    public void CoreNamespaces_UseOnlyLowerLayers()
    {
        var source = Path.Combine(RepositoryRoot(), "src", "MultitaskLearning");
        var violations = new List<string>();
        var files = Directory.GetFiles(source, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToArray();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var lines = File.ReadAllLines(file).Where(l => !l.TrimStart().StartsWith("//", StringComparison.Ordinal)).ToArray();
            var declared = lines.Select(l => NamespaceDeclaration().Match(l)).FirstOrDefault(m => m.Success)?.Groups[1].Value
                ?? throw new InvalidOperationException($"{file} declares no namespace.");
            var own = LayerOf(Top(declared));
            foreach (var line in lines.Select(l => StringLiteral().Replace(l, "\"\"")))
            {
                foreach (Match reference in QualifiedReference().Matches(line))
                {
                    var used = Top(reference.Groups[1].Value);
                    var layer = LayerOf(used);
                    if (used != Top(declared) && layer >= own)
                    {
                        violations.Add($"{Relative(file)}: {Top(declared)} (layer {own}) uses {used} (layer {layer}): {line.Trim()}");
                    }
                }

                if (own < Layers.Length - 1 && FacadeTypes.FirstOrDefault(t => Regex.IsMatch(line, $@"\b{t}\b")) is { } facade)
                {
                    violations.Add($"{Relative(file)}: {Top(declared)} uses the façade type {facade}: {line.Trim()}");
                }
            }
        }

        Assert.True(violations.Count == 0, "Namespace layering is broken:\n" + string.Join("\n", violations));
    }

    private static string Top(string name)
    {
        var parts = name.Split('.');
        return parts[0] != "MultitaskLearning" ? parts[0] : parts.Length > 1 ? parts[1] : string.Empty;
    }

    private static int LayerOf(string top)
    {
        for (var i = 0; i < Layers.Length; i++)
        {
            if (Layers[i].Contains(top))
            {
                return i;
            }
        }

        throw new InvalidOperationException($"Namespace MultitaskLearning.{top} is in no layer; add it to NamespaceLayerTests.Layers.");
    }

    private static string Relative(string file) => Path.GetRelativePath(RepositoryRoot(), file);

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "MultitaskLearning.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("The repository root (MultitaskLearning.sln) is not above the test's folder.");
    }

    [GeneratedRegex(@"""(?:[^""\\]|\\.)*""")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"^\s*namespace\s+(MultitaskLearning[\w.]*)")]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"(?<![\w.])((?:MultitaskLearning|(?=(?:Runtime|Kernels|Tasks|Data|Evaluation|Models|Persistence|Training|Inference)\.[A-Z]))(?:\.?[A-Z]\w*)+)")]
    private static partial Regex QualifiedReference();
}
