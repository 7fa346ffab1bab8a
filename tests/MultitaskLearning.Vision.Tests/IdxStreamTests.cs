using System.Buffers.Binary;
using System.IO.Compression;
using MultitaskLearning.Tasks;
using MultitaskLearning.Testing;
using Xunit;

namespace MultitaskLearning.Vision.Tests;

/// <summary>IDX from streams: the vendored MNIST test set read from streams (gzip or not, seekable or not, synchronously
/// or asynchronously) equals reading the files, errors name the source, and the caller's stream is left open.</summary>
public sealed class IdxStreamTests
{
    private static readonly string Images = Path.Combine(AppContext.BaseDirectory, "data", "mnist", "t10k-images-idx3-ubyte.gz");
    private static readonly string Labels = Path.Combine(AppContext.BaseDirectory, "data", "mnist", "t10k-labels-idx1-ubyte.gz");
    private static readonly Lazy<(byte[] Pixels, int Count, int Rows, int Columns)> ImagesFromFile = new(() => IdxReader.ReadImages(Images));
    private static readonly Lazy<byte[]> LabelsFromFile = new(() => IdxReader.ReadLabels(Labels));

    [Fact]
    public void Mnist_FromGzipStreams_EqualsFromFiles()
    {
        using var images = File.OpenRead(Images);
        using var labels = new ForwardOnlyStream(File.ReadAllBytes(Labels));
        AssertSame(ImagesFromFile.Value, IdxReader.ReadImages(images, "blob mnist/images"));
        Assert.Equal(LabelsFromFile.Value, IdxReader.ReadLabels(labels, "blob mnist/labels"));
        Assert.True(images.CanRead);
        Assert.False(labels.IsDisposed);
    }

    [Fact]
    public void Mnist_FromUncompressedStreams_SeekableOrNot_EqualsFromFiles()
    {
        var images = Decompress(Images);
        var labels = Decompress(Labels);
        AssertSame(ImagesFromFile.Value, IdxReader.ReadImages(new MemoryStream(images), "images.idx"));
        AssertSame(ImagesFromFile.Value, IdxReader.ReadImages(new ForwardOnlyStream(images), "images.idx"));
        Assert.Equal(LabelsFromFile.Value, IdxReader.ReadLabels(new MemoryStream(labels), "labels.idx"));
        Assert.Equal(LabelsFromFile.Value, IdxReader.ReadLabels(new ForwardOnlyStream(labels), "labels.idx"));
    }

    [Fact]
    public async Task Mnist_Async_EqualsSync()
    {
        using var images = new ForwardOnlyStream(File.ReadAllBytes(Images));
        using var labels = new ForwardOnlyStream(Decompress(Labels));
        AssertSame(ImagesFromFile.Value, await IdxReader.ReadImagesAsync(images, "images"));
        Assert.Equal(LabelsFromFile.Value, await IdxReader.ReadLabelsAsync(labels, "labels"));
        Assert.False(images.IsDisposed);
        Assert.False(labels.IsDisposed);
    }

    [Fact]
    public async Task ReadIdx_FromStreams_EqualsFromFiles()
    {
        var task = TaskDefinition.Multiclass("digit", 10);
        int[] rows = [0, 1, 2, 9_999, 4_321];
        var fromFiles = ImageDatasetReader.ReadIdx(Images, Labels, task, rows: rows);
        using var labels = File.OpenRead(Labels);
        var fromStreams = ImageDatasetReader.ReadIdx(new ForwardOnlyStream(File.ReadAllBytes(Images)), "images", labels, "labels", task, rows: rows);
        var fromAsync = await ImageDatasetReader.ReadIdxAsync(new ForwardOnlyStream(File.ReadAllBytes(Images)), "images", new ForwardOnlyStream(File.ReadAllBytes(Labels)), "labels", task, rows: rows);
        foreach (var data in new[] { fromStreams, fromAsync })
        {
            Assert.Equal(fromFiles.Inputs["image"].SampleShape, data.Inputs["image"].SampleShape);
            Assert.Equal(fromFiles.Inputs["image"].Values.ToArray(), data.Inputs["image"].Values.ToArray());
            Assert.Equal(fromFiles.GetTargets("digit").Values.ToArray(), data.GetTargets("digit").Values.ToArray());
        }
    }

    [Fact]
    public void ReadIdx_StreamsDisagreeing_NamesBoth()
    {
        using var images = File.OpenRead(Images);
        var labels = Idx([0, 0, 8, 1], [3], 3);
        var error = Assert.Throws<InvalidDataException>(() => ImageDatasetReader.ReadIdx(
            images, "blob images", new ForwardOnlyStream(labels), "blob labels", TaskDefinition.Multiclass("digit", 10)));
        Assert.Equal("IDX files disagree: 'blob images' has 10000 images but 'blob labels' has 3 labels.", error.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TruncatedStream_NamesTheSource_SeekableOrNot(bool seekable)
    {
        // The header declares 2 images of 28 × 28 (1,568 bytes); 3 are present.
        var bytes = Idx([0, 0, 8, 3], [2, 28, 28], 3);
        Stream stream = seekable ? new MemoryStream(bytes) : new ForwardOnlyStream(bytes);
        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(stream, "upload/images"));
        Assert.Equal("IDX file 'upload/images' is truncated: it needs 1584 bytes and has 19 (its header declares 2 images of 28 × 28 pixels).", error.Message);
    }

    [Fact]
    public async Task BadStreams_NameTheSource()
    {
        var swapped = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(new ForwardOnlyStream(File.ReadAllBytes(Labels)), "labels-as-images"));
        Assert.Equal("IDX file 'labels-as-images' has magic number 0x00000801; an image file has 0x00000803.", swapped.Message);

        var gzipTruncated = Gzip(Idx([0, 0, 8, 1], [1_000], 10));
        var truncated = await Assert.ThrowsAsync<InvalidDataException>(() => IdxReader.ReadLabelsAsync(new ForwardOnlyStream(gzipTruncated), "labels.gz"));
        Assert.Equal("IDX file 'labels.gz' is truncated: it needs 1008 bytes and has 18 once decompressed (its header declares 1000 labels).", truncated.Message);

        var corrupt = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(new ForwardOnlyStream([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff]), "corrupt.gz"));
        Assert.StartsWith("IDX file 'corrupt.gz' is not valid gzip", corrupt.Message, StringComparison.Ordinal);

        var extra = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(new MemoryStream(Idx([0, 0, 8, 1], [2], 3)), "labels"));
        Assert.Equal("IDX file 'labels' has more data than its header declares: its header declares 2 labels (10 bytes) but the file has 11 bytes.", extra.Message);

        var empty = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(new ForwardOnlyStream([]), "empty"));
        Assert.Equal("IDX file 'empty' is truncated: it needs 8 bytes and has 0.", empty.Message);
    }

    [Fact]
    public void SeekableStream_IsReadFromItsPosition()
    {
        var labels = Idx([0, 0, 8, 1], [4], 4);
        using var stream = new MemoryStream([.. new byte[] { 9, 9, 9 }, .. labels]);
        stream.Position = 3;
        Assert.Equal([0, 1, 2, 3], IdxReader.ReadLabels(stream, "labels"));
    }

    private static void AssertSame((byte[] Pixels, int Count, int Rows, int Columns) expected, (byte[] Pixels, int Count, int Rows, int Columns) actual)
    {
        Assert.Equal((expected.Count, expected.Rows, expected.Columns), (actual.Count, actual.Rows, actual.Columns));
        Assert.True(expected.Pixels.AsSpan().SequenceEqual(actual.Pixels), "The pixels differ.");
    }

    private static byte[] Decompress(string path)
    {
        using var file = File.OpenRead(path);
        using var zip = new GZipStream(file, CompressionMode.Decompress);
        using var memory = new MemoryStream();
        zip.CopyTo(memory);
        return memory.ToArray();
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var memory = new MemoryStream();
        using (var zip = new GZipStream(memory, CompressionLevel.Fastest, leaveOpen: true))
        {
            zip.Write(bytes);
        }

        return memory.ToArray();
    }

    private static byte[] Idx(byte[] magic, int[] dimensions, int dataBytes)
    {
        var header = new byte[4 + (4 * dimensions.Length)];
        magic.CopyTo(header, 0);
        for (var d = 0; d < dimensions.Length; d++)
        {
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + (4 * d)), dimensions[d]);
        }

        return [.. header, .. Enumerable.Range(0, dataBytes).Select(i => (byte)(i % 10))];
    }
}
