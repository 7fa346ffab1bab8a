using MultitaskLearning.Testing;
using MultitaskLearning.Training;
using SkiaSharp;
using Xunit;

namespace MultitaskLearning.Vision.Tests;

public sealed class HeatmapTests
{
    [Fact]
    public void WritePng_ColoursAgreementBlueAndConflictRed()
    {
        var relationships = new TaskRelationships(["a", "b"], new double[,] { { 1, -1 }, { -1, 1 } }, new double[,] { { 0, 1 }, { 1, 0 } }, new long[,] { { 3, 3 }, { 3, 3 } });
        var path = Path.Combine(Path.GetTempPath(), $"heatmap-{Guid.NewGuid():N}.png");
        try
        {
            TaskRelationshipHeatmap.WritePng(relationships, path, cellSize: 40);
            using var bitmap = SKBitmap.Decode(path);
            Assert.Equal(120 + 80, bitmap.Width);
            Assert.Equal(new SKColor(0, 0, 255), bitmap.GetPixel(120 + 35, 120 + 3));       // [0, 0] = +1
            Assert.Equal(new SKColor(255, 0, 0), bitmap.GetPixel(120 + 40 + 35, 120 + 3));  // [0, 1] = −1
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task WritePng_ToStream_SyncAndAsync_WritesTheFileBytes()
    {
        var relationships = new TaskRelationships(["a", "b", "c"], new double[,] { { 1, 0.5, -1 }, { 0.5, 1, double.NaN }, { -1, double.NaN, 1 } }, new double[3, 3], new long[3, 3]);
        var path = Path.Combine(Path.GetTempPath(), $"heatmap-{Guid.NewGuid():N}.png");
        try
        {
            TaskRelationshipHeatmap.WritePng(relationships, path, cellSize: 24);
            var fromFile = File.ReadAllBytes(path);
            var stream = ForwardOnlyStream.ForWriting();
            TaskRelationshipHeatmap.WritePng(relationships, stream, cellSize: 24);
            Assert.Equal(fromFile, stream.Written);
            Assert.False(stream.IsDisposed);
            var asynchronous = ForwardOnlyStream.ForWriting();
            await TaskRelationshipHeatmap.WritePngAsync(relationships, asynchronous, cellSize: 24);
            Assert.Equal(fromFile, asynchronous.Written);
            Assert.False(asynchronous.IsDisposed);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
