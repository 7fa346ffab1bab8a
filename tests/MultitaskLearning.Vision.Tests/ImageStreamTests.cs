using MultitaskLearning.Testing;
using MultitaskLearning.Vision;
using SkiaSharp;
using Xunit;

namespace MultitaskLearning.Vision.Tests;

/// <summary>Image decoding from streams gives what decoding the file gives, and names the stream in errors.</summary>
public sealed class ImageStreamTests
{
    private static readonly string Bird = Path.Combine(AppContext.BaseDirectory, "data", "seed", "images", "bird_noto-color-emoji_00.png");

    [Fact]
    public async Task SeedImage_FromForwardOnlyStream_SyncAndAsync_EqualsFromFile()
    {
        var options = new ImageOptions { Width = 32, Height = 32 };
        var fromFile = ImageDecoder.Decode(Bird, options);
        using var stream = new ForwardOnlyStream(File.ReadAllBytes(Bird));
        Assert.Equal(fromFile, ImageDecoder.Decode(stream, "bird.png", options));
        Assert.False(stream.IsDisposed);
        using var again = new ForwardOnlyStream(File.ReadAllBytes(Bird));
        Assert.Equal(fromFile, await ImageDecoder.DecodeAsync(again, "bird.png", options));
        Assert.False(again.IsDisposed);
    }

    [Fact]
    public async Task DecodeAsync_TruncatedImage_NamesTheStream()
    {
        var bytes = File.ReadAllBytes(Bird);
        var truncated = bytes[..(bytes.Length / 2)];
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ImageDecoder.DecodeAsync(new ForwardOnlyStream(truncated), "blob birds/0.png", new ImageOptions()));
        Assert.StartsWith("Image file 'blob birds/0.png' ", error.Message, StringComparison.Ordinal);
        Assert.Equal(error.Message, Assert.Throws<InvalidDataException>(() => ImageDecoder.Decode(new MemoryStream(truncated), "blob birds/0.png", new ImageOptions())).Message);
    }

    [Fact]
    public void DecodeFromStream_EqualsDecodeFromFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mtl-image-{Guid.NewGuid():N}.png");
        try
        {
            using (var bitmap = new SKBitmap(12, 8))
            {
                bitmap.Erase(SKColors.White);
                bitmap.SetPixel(3, 4, SKColors.Black);
                using var file = File.Create(path);
                Assert.True(bitmap.Encode(file, SKEncodedImageFormat.Png, 100));
            }

            var options = new ImageOptions { Width = 6, Height = 4, Grayscale = true };
            var fromFile = ImageDecoder.Decode(path, options);
            using var stream = File.OpenRead(path);
            Assert.Equal(fromFile, ImageDecoder.Decode(stream, "upload.png", options));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void DecodeFromStream_NotAnImage_NamesTheStream()
    {
        using var stream = new MemoryStream("not an image"u8.ToArray());
        var error = Assert.Throws<InvalidDataException>(() => ImageDecoder.Decode(stream, "upload.png", new ImageOptions()));
        Assert.Contains("'upload.png'", error.Message, StringComparison.Ordinal);
    }
}
