using System.Buffers.Binary;
using System.IO.Compression;
using MultitaskLearning.Data;
using MultitaskLearning.Tasks;
using SkiaSharp;
using Xunit;

namespace MultitaskLearning.Vision.Tests;

/// <summary>Bad image files, generated here: each is rejected with an <see cref="InvalidDataException"/> naming the
/// file and the problem, never decoded to wrong pixels, and never allowed to allocate what its header claims.</summary>
public sealed class BadImageTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("mtl-badimage-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void TruncatedPng_IsAnError_NotABlackImage()
    {
        var path = Path.Combine(folder, "cut.png");
        var bytes = NoisePng(64, 64, seed: 1);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var error = Assert.Throws<InvalidDataException>(() => ImageDecoder.Decode(path, new ImageOptions()));
        Assert.Equal($"Image file '{path}' is truncated: its data ends before the whole 64 × 64 image is decoded (IncompleteInput).", error.Message);
    }

    [Fact]
    public void HugeDimensionPngHeader_IsRejectedBeforeAllocating()
    {
        var path = Path.Combine(folder, "huge.png");
        File.WriteAllBytes(path, PngWithHeader(20_000, 20_000, idatBytes: 1024));
        Assert.InRange(new FileInfo(path).Length, 1000, 1200);
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var error = Assert.Throws<InvalidDataException>(() => ImageDecoder.Decode(path, new ImageOptions()));
        Assert.Equal($"Image file '{path}' declares 20000 × 20000 = 400,000,000 pixels, more than the limit of 67,108,864 (ImageOptions.MaxPixels).", error.Message);
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 10_000_000);
    }

    [Fact]
    public void MaxPixels_IsConfigurable()
    {
        var path = Path.Combine(folder, "ok.png");
        File.WriteAllBytes(path, NoisePng(10, 10, seed: 2));
        Assert.Equal(32 * 32, ImageDecoder.Decode(path, new ImageOptions { MaxPixels = 100 }).Length);
        Assert.Contains("declares 10 × 10 = 100 pixels, more than the limit of 99 (ImageOptions.MaxPixels)", Assert.Throws<InvalidDataException>(() => ImageDecoder.Decode(path, new ImageOptions { MaxPixels = 99 })).Message);
        Assert.Contains("MaxPixels must be >= 1", Assert.Throws<ArgumentException>(() => new ImageOptions { MaxPixels = 0 }.Validate()).Message);
    }

    [Fact]
    public void ImageTooLargeToAllocate_WithTheLimitLifted_IsStillAnInvalidDataExceptionNamingTheFile()
    {
        // 900,000 × 900,000 greyscale is 810 GB: the allocation fails; never a bare Exception (SKBitmap.Decode throws System.Exception).
        var path = Path.Combine(folder, "enormous.png");
        File.WriteAllBytes(path, PngWithHeader(900_000, 900_000, idatBytes: 1024));
        var error = Assert.Throws<InvalidDataException>(() => ImageDecoder.Decode(path, new ImageOptions { MaxPixels = long.MaxValue }));
        Assert.StartsWith($"Image file '{path}' ", error.Message);
        Assert.Contains("(900000 × 900000 pixels) could not be decoded: there is not enough memory for its 810,000,000,000 bytes of pixels", error.Message);
    }

    [Fact]
    public void Reader_MixedGoodAndBadImages_SkipsAndReportsEveryBadOne_KeepsTheGoodValues()
    {
        var good = new[] { "a.png", "b.png" };
        for (var i = 0; i < good.Length; i++)
        {
            File.WriteAllBytes(Path.Combine(folder, good[i]), NoisePng(12, 12, seed: 10 + i));
        }

        var truncated = NoisePng(64, 64, seed: 3);
        File.WriteAllBytes(Path.Combine(folder, "cut.png"), truncated[..(truncated.Length / 2)]);
        File.WriteAllBytes(Path.Combine(folder, "huge.png"), PngWithHeader(20_000, 20_000, idatBytes: 1024));
        File.WriteAllText(Path.Combine(folder, "text.png"), "not an image");
        var manifest = Path.Combine(folder, "manifest.csv");
        File.WriteAllLines(manifest, ["path,kind", "a.png,x", "cut.png,x", "huge.png,y", "b.png,y", "text.png,x"]);
        var files = LabeledFileSources.FromManifest(manifest);
        var task = TaskDefinition.Multiclass("kind", "x", "y");
        var image = new ImageOptions { Width = 12, Height = 12 };

        var data = ImageDatasetReader.Read(files, [task], image, new LabeledFileDatasetOptions { InputName = "image", SkipBadFiles = true, MaxDegreeOfParallelism = 2 });
        Assert.Equal((5, 2), (data.Report.Files, data.Report.Loaded));
        Assert.Equal([2, 3, 5], data.Report.Skipped.Select(s => s.Row!.Value));
        Assert.Equal(["cut.png", "huge.png", "text.png"], data.Report.Skipped.Select(s => Path.GetFileName(s.Path)));
        Assert.Contains("is truncated", data.Report.Skipped[0].Reason);
        Assert.Contains("declares 20000 × 20000 = 400,000,000 pixels", data.Report.Skipped[1].Reason);
        Assert.Contains("is not a readable image", data.Report.Skipped[2].Reason);
        Assert.All(data.Report.Skipped, s => Assert.Contains(s.Path, s.Reason));
        var expected = good.SelectMany(f => ImageDecoder.Decode(Path.Combine(folder, f), image)).ToArray();
        Assert.Equal(expected, data.Dataset.Inputs["image"].Values.ToArray());
        Assert.Equal([0f, 1f], data.Dataset.GetTargets("kind").Values.ToArray());

        var error = Assert.Throws<InvalidDataException>(() => ImageDecoder.Decode(Path.Combine(folder, "cut.png"), image));
        var thrown = Assert.Throws<InvalidDataException>(() => ImageDatasetReader.Read(files, [task], image, new LabeledFileDatasetOptions { MaxDegreeOfParallelism = 2 }));
        Assert.StartsWith($"Image manifest row 2, file '{Path.Combine(folder, "cut.png")}': ", thrown.Message);
        Assert.Contains(error.Message.TrimEnd('.'), thrown.Message);
    }

    [Fact]
    public void Augmentation_UsesTheCheckedDecoder()
    {
        var truncated = NoisePng(64, 64, seed: 4);
        var path = Path.Combine(folder, "cut.png");
        File.WriteAllBytes(path, truncated[..(truncated.Length / 2)]);
        Assert.Contains("is truncated", Assert.Throws<InvalidDataException>(() => new ImageAugmentation().Apply(path, new ImageOptions(), new Random(1))).Message);
    }

    /// <summary>A PNG of random grey pixels (incompressible, so cutting it loses image rows).</summary>
    private static byte[] NoisePng(int width, int height, int seed)
    {
        var random = new Random(seed);
        using var bitmap = new SKBitmap(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var v = (byte)random.Next(256);
                bitmap.SetPixel(x, y, new SKColor(v, (byte)random.Next(256), (byte)(255 - v)));
            }
        }

        using var stream = new MemoryStream();
        Assert.True(bitmap.Encode(stream, SKEncodedImageFormat.Png, 100));
        return stream.ToArray();
    }

    /// <summary>A valid PNG signature and IHDR (8-bit greyscale) declaring the given size, followed by an IDAT of about
    /// <paramref name="idatBytes"/> bytes of compressed zero rows and IEND: a small file that claims a huge image.</summary>
    private static byte[] PngWithHeader(int width, int height, int idatBytes)
    {
        using var output = new MemoryStream();
        output.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;
        WriteChunk(output, "IHDR", ihdr);
        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.NoCompression, leaveOpen: true))
            {
                zlib.Write(new byte[idatBytes - 20]);
            }

            WriteChunk(output, "IDAT", compressed.ToArray());
        }

        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    private static void WriteChunk(Stream output, string type, byte[] data)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        output.Write(length);
        var typed = System.Text.Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        output.Write(typed);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        output.Write(crc);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
