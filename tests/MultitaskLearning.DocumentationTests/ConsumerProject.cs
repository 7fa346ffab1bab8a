using System.Text.RegularExpressions;

namespace MultitaskLearning.DocumentationTests;

/// <summary>A new console app in a temporary folder, made as a user makes one (<c>dotnet new console</c>), that finds
/// the packages of a <see cref="LocalPackageFeed"/> as well as the machine's usual package sources.</summary>
public sealed partial class ConsumerProject : IDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(10);
    private readonly LocalPackageFeed feed;

    /// <summary>Creates the app.</summary>
    /// <param name="name">The project's name.</param>
    /// <param name="feed">The feed with this build's packages.</param>
    public ConsumerProject(string name, LocalPackageFeed feed)
    {
        this.feed = feed;
        Folder = Path.Combine(Directory.CreateTempSubdirectory("mtl-consumer-").FullName, name);
        Directory.CreateDirectory(Folder);
        DotnetCommand.RunOrFail(Folder, CommandTimeout, "new", "console", "--name", name, "--output", ".");
        ProjectFile = Path.Combine(Folder, name + ".csproj");

        // The app targets the framework this test runs on, so each supported framework gets its own fresh app.
        var project = File.ReadAllText(ProjectFile);
        File.WriteAllText(ProjectFile, TargetFrameworkPattern().Replace(project, $"<TargetFramework>{RepositoryLayout.TargetFramework}</TargetFramework>"));

        // The feed is added to the user's sources, as `dotnet nuget add source` would.
        File.WriteAllText(Path.Combine(Folder, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="local" value="{feed.Folder}" />
              </packageSources>
            </configuration>
            """);
    }

    /// <summary>The project folder.</summary>
    public string Folder { get; }

    /// <summary>The project file.</summary>
    public string ProjectFile { get; }

    /// <summary>Runs the <c>dotnet add package</c> lines of a documentation block, as written, except that this build's
    /// packages get the feed's version (a user takes the published one, which the command finds by itself).</summary>
    /// <param name="block">The block with the commands.</param>
    /// <returns>The packages added.</returns>
    public IReadOnlyList<string> AddPackagesAsDocumented(MarkdownCodeBlock block)
    {
        var added = new List<string>();
        foreach (var raw in block.Code.Split('\n'))
        {
            var line = raw.Split('#')[0].Trim();
            if (!line.StartsWith("dotnet add package ", StringComparison.Ordinal))
            {
                continue;
            }

            var arguments = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
            var id = arguments[2];
            if (feed.PackageIds.Contains(id, StringComparer.OrdinalIgnoreCase))
            {
                if (arguments.Contains("--version"))
                {
                    throw new Xunit.Sdk.XunitException($"{block.Location}: '{line}' pins a version of this repository's package; the documentation should let the command take the newest.");
                }

                arguments.AddRange(["--version", feed.Version]);
            }

            DotnetCommand.RunOrFail(Folder, CommandTimeout, [.. arguments]);
            added.Add(id);
        }

        if (added.Count == 0)
        {
            throw new Xunit.Sdk.XunitException($"{block.Location}: the block has no 'dotnet add package' line.");
        }

        return added;
    }

    /// <summary>Adds a package reference (for compile checks that need several packages at once).</summary>
    /// <param name="id">The package.</param>
    /// <param name="version">The version; the feed's when <see langword="null"/>.</param>
    public void AddPackage(string id, string? version = null) =>
        DotnetCommand.RunOrFail(Folder, CommandTimeout, "add", "package", id, "--version", version ?? feed.Version);

    /// <summary>Adds the items of a documented XML block to the project file, before its end.</summary>
    /// <param name="block">The block (an <c>&lt;ItemGroup&gt;</c> or <c>&lt;PropertyGroup&gt;</c>).</param>
    public void AddToProjectFile(MarkdownCodeBlock block)
    {
        var project = File.ReadAllText(ProjectFile);
        var end = project.LastIndexOf("</Project>", StringComparison.Ordinal);
        File.WriteAllText(ProjectFile, project[..end] + block.Code + project[end..]);
    }

    /// <summary>Writes a source file (Program.cs replaces the template's).</summary>
    /// <param name="name">The file name.</param>
    /// <param name="code">The code.</param>
    public void WriteSource(string name, string code) => File.WriteAllText(Path.Combine(Folder, name), code);

    /// <summary>Copies a folder of the repository (sample data) into the project.</summary>
    /// <param name="repositoryFolder">The folder, relative to the repository root, with '/'.</param>
    /// <param name="projectFolder">The folder, relative to the project, with '/'.</param>
    public void CopyFolder(string repositoryFolder, string projectFolder)
    {
        var source = RepositoryLayout.File(repositoryFolder);
        var target = Path.Combine([Folder, .. projectFolder.Split('/')]);
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }

    /// <summary>Builds the app (Release), failing with the compiler's output.</summary>
    /// <returns>The build output.</returns>
    public string Build() => DotnetCommand.RunOrFail(Folder, CommandTimeout, "build", "-c", "Release");

    /// <summary>Runs the built app, failing with its output when it does not exit with 0.</summary>
    /// <returns>The app's output.</returns>
    public string Run() => DotnetCommand.RunOrFail(Folder, CommandTimeout, "run", "-c", "Release", "--no-build");

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(Path.GetDirectoryName(Folder)!, recursive: true);

    [GeneratedRegex("<TargetFramework>[^<]*</TargetFramework>")]
    private static partial Regex TargetFrameworkPattern();
}
