using MultitaskLearning.Tasks;
using Xunit;

namespace MultitaskLearning.Vision.Tests;

public sealed class IdxReaderTests
{
    private static readonly string Images = Path.Combine(AppContext.BaseDirectory, "data", "mnist", "t10k-images-idx3-ubyte.gz");
    private static readonly string Labels = Path.Combine(AppContext.BaseDirectory, "data", "mnist", "t10k-labels-idx1-ubyte.gz");

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
}
