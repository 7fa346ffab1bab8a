using MultitaskLearning.Vision;
using SkiaSharp;
using Xunit;

namespace MultitaskLearning.Vision.Tests;

/// <summary>Image decoding from streams gives what decoding the file gives, and names the stream in errors.</summary>
public sealed class ImageStreamTests
{
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
