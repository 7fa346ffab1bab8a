using MultitaskLearning.Data;
using MultitaskLearning.Tasks;
using MultitaskLearning.Vision;

namespace MultitaskLearning.Samples.MultiMnist;

/// <summary>
/// MultiMNIST as in Sener and Koltun (2018): two MNIST digits on one 36 × 36 canvas, the first in the top-left corner
/// and the second in the bottom-right, overlapping (pixel-wise maximum), each shifted by up to 2 pixels at random;
/// tasks "left" and "right" are their classes. Built with a seeded generator from the vendored MNIST test set: images
/// 0–7,999 make the training pairs and 8,000–9,999 the test pairs (each image is the left digit once, with a random partner).
/// </summary>
internal static class MultiMnistData
{
    public const int Size = 36;
    public static readonly TaskDefinition Left = TaskDefinition.Multiclass("left", 10);
    public static readonly TaskDefinition Right = TaskDefinition.Multiclass("right", 10);

    public static (MultitaskDataset Train, MultitaskDataset Test) Build(string folder, int seed, int trainCount, int testCount)
    {
        var (pixels, count, rows, columns) = IdxReader.ReadImages(Path.Combine(folder, "t10k-images-idx3-ubyte.gz"));
        var labels = IdxReader.ReadLabels(Path.Combine(folder, "t10k-labels-idx1-ubyte.gz"));
        var random = new Random(seed);
        MultitaskDataset Make(int start, int length, int pairs)
        {
            var values = new float[pairs * Size * Size];
            var left = new int?[pairs];
            var right = new int?[pairs];
            for (var p = 0; p < pairs; p++)
            {
                var a = start + (p % length);
                var b = start + random.Next(length);
                Paste(values, p, pixels, a, rows, columns, 0 + random.Next(-2, 3), 0 + random.Next(-2, 3));
                Paste(values, p, pixels, b, rows, columns, (Size - columns) + random.Next(-2, 3), (Size - rows) + random.Next(-2, 3));
                left[p] = labels[a];
                right[p] = labels[b];
            }

            return new MultitaskDatasetBuilder([Left, Right])
                .AddSamples("image", values, [1, Size, Size], new Dictionary<string, LabelColumn>
                {
                    ["left"] = LabelColumn.FromClassIndices(left),
                    ["right"] = LabelColumn.FromClassIndices(right),
                })
                .Build();
        }

        return (Make(0, 8000, trainCount), Make(8000, count - 8000, testCount));
    }

    private static void Paste(float[] canvas, int index, byte[] pixels, int image, int rows, int columns, int dx, int dy)
    {
        var offset = index * Size * Size;
        for (var y = 0; y < rows; y++)
        {
            for (var x = 0; x < columns; x++)
            {
                int cx = Math.Clamp(x + dx, 0, Size - 1), cy = Math.Clamp(y + dy, 0, Size - 1);
                var value = pixels[(image * rows * columns) + (y * columns) + x] / 255f;
                var at = offset + (cy * Size) + cx;
                canvas[at] = Math.Max(canvas[at], value);
            }
        }
    }
}
