using MultitaskLearning.Tasks;
using Xunit;

namespace MultitaskLearning.Vision.Tests;

public sealed class IdxReaderTests : IDisposable
{
    private readonly string temporary = Directory.CreateTempSubdirectory("mtl-badidx-").FullName;

    private static readonly string Images = Path.Combine(AppContext.BaseDirectory, "data", "mnist", "t10k-images-idx3-ubyte.gz");
    private static readonly string Labels = Path.Combine(AppContext.BaseDirectory, "data", "mnist", "t10k-labels-idx1-ubyte.gz");

    public void Dispose() => Directory.Delete(temporary, recursive: true);

    [Fact]
    public void ReadsTheVendoredMnistTestSet()
    {
        // The MNIST README: 10,000 images of 28 × 28; the first labels are 7 2 1 0 4 1 4 9.
        var (pixels, count, rows, columns) = IdxReader.ReadImages(Images);
        Assert.Equal((10_000, 28, 28), (count, rows, columns));
        Assert.Equal(10_000 * 28 * 28, pixels.Length);
        Assert.Equal([7, 2, 1, 0, 4, 1, 4, 9], IdxReader.ReadLabels(Labels).Take(8).Select(b => (int)b));

        var data = ImageDatasetReader.ReadIdx(Images, Labels, TaskDefinition.Multiclass("digit", 10), rows: [0, 1, 2]);
        Assert.Equal([1, 28, 28], data.Inputs["image"].SampleShape);
        Assert.Equal([7f, 2f, 1f], data.GetTargets("digit").Values.ToArray());
        Assert.InRange(data.Inputs["image"].Values.ToArray().Max(), 0.99f, 1f);
    }

    [Fact]
    public void WrongMagicOrTruncated_IsAnError()
    {
        var folder = Directory.CreateTempSubdirectory("mtl-idx-").FullName;
        try
        {
            var swapped = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(Labels));
            Assert.Contains("has magic number 0x00000801; an image file has 0x00000803", swapped.Message);
            var truncated = Path.Combine(folder, "short.idx");
            File.WriteAllBytes(truncated, [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2, 3]);
            Assert.Contains("is truncated: it needs 1584 bytes and has 19", Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(truncated)).Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData(-1, 28, 28, "has an invalid header: its header declares -1 images of 28 × 28 pixels; the count must be >= 0 and the sizes >= 1.")]
    [InlineData(2, -28, 28, "has an invalid header: its header declares 2 images of -28 × 28 pixels; the count must be >= 0 and the sizes >= 1.")]
    [InlineData(2, 28, 0, "has an invalid header: its header declares 2 images of 28 × 0 pixels; the count must be >= 0 and the sizes >= 1.")]
    [InlineData(1_000_000, 28, 28, "is truncated: it needs 784000016 bytes and has 1584 (its header declares 1000000 images of 28 × 28 pixels).")]
    [InlineData(int.MaxValue, int.MaxValue, int.MaxValue, "is truncated: it needs 9903520300447984150353281039 bytes")]
    [InlineData(1, 28, 28, "has more data than its header declares: its header declares 1 images of 28 × 28 pixels (800 bytes) but the file has 1584 bytes.")]
    public void BadImageHeader_IsRejectedBeforeAllocating_NamingTheFile(int count, int rows, int columns, string problem)
    {
        // A file of 2 × 28 × 28 pixels whose header says otherwise, plain and gzip-compressed.
        foreach (var gzip in new[] { false, true })
        {
            var path = WriteIdx(gzip, [0, 0, 8, 3], [count, rows, columns], 2 * 28 * 28);
            var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
            Assert.StartsWith($"IDX file '{path}' ", error.Message);
            if (!gzip)
            {
                Assert.Contains(problem, error.Message);
            }
        }
    }

    [Theory]
    [InlineData(-5, "has an invalid header: its header declares -5 labels; the count must be >= 0.")]
    [InlineData(1_000, "is truncated: it needs 1008 bytes and has 18 (its header declares 1000 labels).")]
    [InlineData(int.MaxValue, "is truncated: it needs 2147483655 bytes and has 18 (its header declares 2147483647 labels).")]
    public void BadLabelHeader_IsRejectedBeforeAllocating_NamingTheFile(int count, string problem)
    {
        var path = WriteIdx(false, [0, 0, 8, 1], [count], 10);
        Assert.Equal($"IDX file '{path}' {problem}", Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(path)).Message);
        var gz = WriteIdx(true, [0, 0, 8, 1], [count], 10);
        Assert.StartsWith($"IDX file '{gz}' ", Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(gz)).Message);
    }

    [Fact]
    public void GzipTruncatedOrCorrupt_NamesTheFile()
    {
        var path = WriteIdx(true, [0, 0, 8, 1], [1_000], 10);
        Assert.Equal($"IDX file '{path}' is truncated: it needs 1008 bytes and has 18 once decompressed (its header declares 1000 labels).", Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(path)).Message);
        var corrupt = Path.Combine(temporary, "corrupt.gz");
        File.WriteAllBytes(corrupt, [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff]);
        Assert.StartsWith($"IDX file '{corrupt}' is not valid gzip", Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(corrupt)).Message);
    }

    private string WriteIdx(bool gzip, byte[] magic, int[] dimensions, int dataBytes)
    {
        var header = new byte[4 + (4 * dimensions.Length)];
        magic.CopyTo(header, 0);
        for (var d = 0; d < dimensions.Length; d++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + (4 * d)), dimensions[d]);
        }

        var bytes = header.Concat(Enumerable.Range(0, dataBytes).Select(i => (byte)(i % 10))).ToArray();
        var path = Path.Combine(temporary, $"idx-{Guid.NewGuid():N}{(gzip ? ".gz" : string.Empty)}");
        if (gzip)
        {
            using var file = File.Create(path);
            using var zip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Fastest);
            zip.Write(bytes);
        }
        else
        {
            File.WriteAllBytes(path, bytes);
        }

        return path;
    }
}
