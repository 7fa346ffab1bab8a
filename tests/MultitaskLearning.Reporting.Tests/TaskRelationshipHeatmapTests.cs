using MultitaskLearning.Training;
using SkiaSharp;
using Xunit;

namespace MultitaskLearning.Reporting.Tests;

public sealed class TaskRelationshipHeatmapTests
{
    private static readonly TaskRelationships Recorded = new(
        ["a", "b", "c"],
        new double[,] { { 1, -0.5, double.NaN }, { -0.5, 1, 0.25 }, { double.NaN, 0.25, 1 } },
        new double[,] { { 0, 0.75, 0 }, { 0.75, 0, 0.1 }, { 0, 0.1, 0 } },
        new long[,] { { 8, 8, 0 }, { 8, 8, 8 }, { 0, 8, 8 } },
        new double[,] { { 0.2, -0.1, 0 }, { 0.05, 0.3, 0.01 }, { 0, 0.02, 0.1 } });

    [Fact]
    public void WritePng_WritesADecodableImageOfTheGivenSize()
    {
        using var folder = new TemporaryFolder();
        Directory.CreateDirectory(folder.Path);
        var path = Path.Combine(folder.Path, "cosine.png");
        var affinity = Path.Combine(folder.Path, "affinity.png");

        TaskRelationshipHeatmap.WritePng(Recorded, path, width: 640, height: 480);
        TaskRelationshipHeatmap.WriteAffinityPng(Recorded, affinity);

        using (var bitmap = SKBitmap.Decode(path))
        {
            Assert.Equal((640, 480), (bitmap.Width, bitmap.Height));
        }

        using (var bitmap = SKBitmap.Decode(affinity))
        {
            Assert.Equal((720, 560), (bitmap.Width, bitmap.Height));
        }

        Assert.Equal(["affinity.png", "cosine.png"], Directory.GetFiles(folder.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void WriteAffinityPng_NotRecorded_NamesTheRelationships()
    {
        var error = Assert.Throws<ArgumentException>(() => TaskRelationshipHeatmap.WriteAffinityPng(Recorded with { LookaheadAffinity = null }, "unused.png"));

        Assert.Equal("relationships", error.ParamName);
    }

    [Fact]
    public void Report_WithAffinity_DrawsBothHeatmaps()
    {
        using var folder = new TemporaryFolder();

        var written = new TrainingReport("Relationships").AddTaskRelationships(Recorded, "shared-trunk").WriteTo(folder.Path);

        Assert.Equal(["relationships-01-shared-trunk-cosine.png", "relationships-01-shared-trunk-affinity.png"], written.Images.Select(Path.GetFileName));
        Assert.Contains("a / b conflicted in 75 % of 8 steps", File.ReadAllText(written.IndexPath), StringComparison.Ordinal);
    }
}
