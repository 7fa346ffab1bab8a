namespace MultitaskLearning.DocumentationTests;

/// <summary>Where the repository is and how this test assembly was built (the packages are packed from the same build).</summary>
public static class RepositoryLayout
{
    /// <summary>The repository's root folder (the one holding MultitaskLearning.sln).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The build configuration of this test assembly (Release or Debug), from its output path.</summary>
    public static string Configuration { get; } = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    /// <summary>This test assembly's target framework (net8.0 or net10.0), from its output path: the consumer apps
    /// target the same one, so the tests run once per supported framework.</summary>
    public static string TargetFramework { get; } = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Name;

    /// <summary>A file of the repository.</summary>
    /// <param name="relative">The path from the root, with '/'.</param>
    /// <returns>The full path.</returns>
    public static string File(string relative) => Path.Combine([Root, .. relative.Split('/')]);

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(folder.FullName, "MultitaskLearning.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No MultitaskLearning.sln above {AppContext.BaseDirectory}: the documentation tests run from the repository's build output.");
    }
}
