using System.Globalization;

namespace MultitaskLearning.DocumentationTests;

/// <summary>
/// Packs every library project (as built for this test run: <c>dotnet pack --no-build</c>) into a temporary folder
/// feed, under a version no other run uses, so a consumer's restore cannot pick up a stale copy. Removes the feed and
/// the extracted copies from the NuGet cache when disposed.
/// </summary>
public sealed class LocalPackageFeed : IDisposable
{
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(10);

    /// <summary>Packs the packages.</summary>
    public LocalPackageFeed()
    {
        Version = string.Create(CultureInfo.InvariantCulture, $"0.0.0-doccheck.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}");
        Folder = Directory.CreateTempSubdirectory("mtl-feed-").FullName;
        var projects = Directory.GetFiles(RepositoryLayout.File("src"), "*.csproj", SearchOption.AllDirectories)
            .Where(p => System.IO.File.ReadAllText(p).Contains("<IsPackable>true</IsPackable>", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToArray();
        foreach (var project in projects)
        {
            // The packages are this build's libraries: packing without building needs them built for every framework.
            var name = Path.GetFileNameWithoutExtension(project);
            var missing = new[] { "net8.0", "net10.0" }
                .Select(tfm => Path.Combine(Path.GetDirectoryName(project)!, "bin", RepositoryLayout.Configuration, tfm, name + ".dll"))
                .Where(dll => !System.IO.File.Exists(dll))
                .ToArray();
            if (missing.Length > 0)
            {
                throw new InvalidOperationException(
                    $"The documentation tests pack the libraries as built; {string.Join(", ", missing)} does not exist. Build the solution in {RepositoryLayout.Configuration} first (eng/build.sh build, or dotnet build MultitaskLearning.sln -c {RepositoryLayout.Configuration}).");
            }

            DotnetCommand.RunOrFail(RepositoryLayout.Root, PackTimeout, "pack", project, "-c", RepositoryLayout.Configuration, "--no-build", "-o", Folder, $"-p:Version={Version}");
        }

        PackageIds = Directory.GetFiles(Folder, "*.nupkg")
            .Select(Path.GetFileName)
            .Select(name => name![..^($".{Version}.nupkg".Length)])
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>The feed folder.</summary>
    public string Folder { get; }

    /// <summary>The version of every package in the feed.</summary>
    public string Version { get; }

    /// <summary>The packages in the feed.</summary>
    public IReadOnlyList<string> PackageIds { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in PackageIds)
        {
            var extracted = Path.Combine(cache, id.ToLowerInvariant(), Version.ToLowerInvariant());
            if (Directory.Exists(extracted))
            {
                Directory.Delete(extracted, recursive: true);
            }
        }

        Directory.Delete(Folder, recursive: true);
    }
}
