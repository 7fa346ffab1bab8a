using MultitaskLearning.Data;
using MultitaskLearning.Tasks;
using SkiaSharp;
using Xunit;

namespace MultitaskLearning.Vision.Tests;

public sealed class ImageDecoderTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("mtl-vision-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Theory]
    [InlineData(SKEncodedImageFormat.Png, "png", 0.0)]
    [InlineData(SKEncodedImageFormat.Jpeg, "jpg", 0.08)]
    [InlineData(SKEncodedImageFormat.Webp, "webp", 0.02)]
    public void Decode_EncodedFormats_GiveTheHalfBlackImage(SKEncodedImageFormat format, string extension, double tolerance)
    {
        var path = Path.Combine(folder, $"half.{extension}");
        using (var bitmap = HalfBlack(8, 8))
        using (var file = File.Create(path))
        {
            Assert.True(bitmap.Encode(file, format, 100));
        }

        AssertHalfBlack(ImageDecoder.Decode(path, new ImageOptions { Width = 8, Height = 8 }), tolerance);
    }

    [Fact]
    public void Decode_Bmp_GivesTheHalfBlackImage()
    {
        // Skia decodes but does not encode BMP: write a 24-bit bottom-up BMP by hand (54-byte header, rows padded to 4 bytes).
        var path = Path.Combine(folder, "half.bmp");
        const int width = 8, height = 8, rowBytes = 24;
        using (var writer = new BinaryWriter(File.Create(path)))
        {
            writer.Write((byte)'B');
            writer.Write((byte)'M');
            writer.Write(54 + (rowBytes * height));
            writer.Write(0);
            writer.Write(54);
            writer.Write(40);
            writer.Write(width);
            writer.Write(height);
            writer.Write((short)1);
            writer.Write((short)24);
            writer.Write(0);
            writer.Write(rowBytes * height);
            writer.Write(2835);
            writer.Write(2835);
            writer.Write(0);
            writer.Write(0);
            for (var y = height - 1; y >= 0; y--)
            {
                for (var x = 0; x < width; x++)
                {
                    var v = (byte)(x < width / 2 ? 0 : 255);
                    writer.Write([v, v, v]);
                }
            }
        }

        AssertHalfBlack(ImageDecoder.Decode(path, new ImageOptions { Width = 8, Height = 8 }), 0);
    }

    [Fact]
    public void Decode_Rgb_HasThreePlanesAndNormalises()
    {
        var path = Path.Combine(folder, "red.png");
        using (var bitmap = new SKBitmap(4, 4))
        {
            bitmap.Erase(new SKColor(255, 0, 0));
            using var file = File.Create(path);
            bitmap.Encode(file, SKEncodedImageFormat.Png, 100);
        }

        var values = ImageDecoder.Decode(path, new ImageOptions { Width = 2, Height = 2, Grayscale = false, Mean = [0.5f], StandardDeviation = [0.5f] });
        Assert.Equal(12, values.Length);
        Assert.All(values.Take(4), v => Assert.Equal(1f, v, 5));     // red (1 − 0.5)/0.5
        Assert.All(values.Skip(4), v => Assert.Equal(-1f, v, 5));    // green, blue (0 − 0.5)/0.5
    }

    [Fact]
    public void Decode_InkThreshold_MakesAMask()
    {
        var path = Path.Combine(folder, "ink.png");
        using (var bitmap = HalfBlack(8, 8))
        using (var file = File.Create(path))
        {
            bitmap.Encode(file, SKEncodedImageFormat.Png, 100);
        }

        var values = ImageDecoder.Decode(path, new ImageOptions { Width = 8, Height = 8, InkThreshold = 0.5f });
        Assert.Equal(1f, values[0]);
        Assert.Equal(0f, values[7]);
    }

    [Fact]
    public void Decode_UnreadableOrEmpty_NamesTheFile()
    {
        var text = Path.Combine(folder, "fake.png");
        File.WriteAllText(text, "not an image");
        Assert.Equal($"Image file '{text}' is not a readable image (PNG, JPEG, BMP, WebP, GIF).", Assert.Throws<InvalidDataException>(() => ImageDecoder.Decode(text, new ImageOptions())).Message);
        var empty = Path.Combine(folder, "empty.png");
        File.WriteAllBytes(empty, []);
        Assert.Equal($"Image file '{empty}' is empty.", Assert.Throws<InvalidDataException>(() => ImageDecoder.Decode(empty, new ImageOptions())).Message);
    }

    [Fact]
    public void FolderPerLabel_BuildsADatasetAndSkipsBadFiles()
    {
        foreach (var (label, shade) in new[] { ("cat", (byte)0), ("dog", (byte)255) })
        {
            Directory.CreateDirectory(Path.Combine(folder, "set", label));
            for (var i = 0; i < 3; i++)
            {
                using var bitmap = new SKBitmap(6, 6);
                bitmap.Erase(new SKColor(shade, shade, shade));
                using var file = File.Create(Path.Combine(folder, "set", label, $"{i}.png"));
                bitmap.Encode(file, SKEncodedImageFormat.Png, 100);
            }
        }

        File.WriteAllText(Path.Combine(folder, "set", "cat", "broken.png"), "garbage");
        var files = LabeledFileSources.FromFolderPerLabel(Path.Combine(folder, "set"), extensions: [".png"]);
        Assert.Equal(7, files.Count);
        var task = TaskDefinition.Multiclass("animal", "cat", "dog");
        var options = new LabeledFileDatasetOptions { InputName = "image", SkipBadFiles = true, TaskFields = new Dictionary<string, string> { ["animal"] = "label" } };
        var data = ImageDatasetReader.Read(files, [task], new ImageOptions { Width = 4, Height = 4 }, options);
        Assert.Equal(6, data.Report.Loaded);
        Assert.Contains("broken.png", Assert.Single(data.Report.Skipped).Path);
        Assert.Equal([1, 4, 4], data.Dataset.Inputs["image"].SampleShape);
        Assert.Equal(3, data.Dataset.GetTargets("animal").Values.ToArray().Count(v => v == 1f));
    }

    private static SKBitmap HalfBlack(int width, int height)
    {
        var bitmap = new SKBitmap(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                bitmap.SetPixel(x, y, x < width / 2 ? SKColors.Black : SKColors.White);
            }
        }

        return bitmap;
    }

    private static void AssertHalfBlack(float[] values, double tolerance)
    {
        Assert.Equal(64, values.Length);
        for (var y = 0; y < 8; y++)
        {
            Assert.True(Math.Abs(values[(y * 8) + 1]) <= tolerance, $"row {y} left {values[(y * 8) + 1]}");
            Assert.True(Math.Abs(values[(y * 8) + 6] - 1) <= tolerance, $"row {y} right {values[(y * 8) + 6]}");
        }
    }
}
