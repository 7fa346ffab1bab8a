namespace MultitaskLearning.Reporting.Tests;

/// <summary>A fresh folder under the temporary path, deleted with its contents on dispose.</summary>
internal sealed class TemporaryFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"mtl-report-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
