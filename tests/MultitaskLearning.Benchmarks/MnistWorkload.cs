using MultitaskLearning.Vision;

namespace MultitaskLearning.Benchmarks;

/// <summary>
/// The data of the peer comparison, as in <c>peers/pytorch_mtl_bench.py</c>: the 10,000 MNIST test images as float32
/// in [0, 1] flattened to 784, labels digit (10 classes) and parity (digit mod 2), shuffled once by a Fisher–Yates
/// permutation driven by splitmix64 (bit-for-bit the peer's order).
/// </summary>
internal sealed class MnistWorkload
{
    private MnistWorkload(float[] pixels, int[] digits, int count)
    {
        Pixels = pixels;
        Digits = digits;
        Count = count;
    }

    /// <summary>Row-major [Count, 784].</summary>
    public float[] Pixels { get; }

    public int[] Digits { get; }

    public int Count { get; }

    public const int Width = 784;

    /// <summary>The vendored MNIST test set (samples/data/mnist), found from the working directory or the binary.</summary>
    public static string DataDirectory()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "samples", "data", "mnist");
                if (File.Exists(Path.Combine(candidate, "t10k-images-idx3-ubyte.gz")))
                {
                    return candidate;
                }
            }
        }

        throw new DirectoryNotFoundException("samples/data/mnist (t10k-images-idx3-ubyte.gz) was not found above the working directory; run from the repository.");
    }

    public static MnistWorkload Load(int seed = 0)
    {
        var dir = DataDirectory();
        var (raw, count, rows, columns) = IdxReader.ReadImages(Path.Combine(dir, "t10k-images-idx3-ubyte.gz"));
        var labels = IdxReader.ReadLabels(Path.Combine(dir, "t10k-labels-idx1-ubyte.gz"));
        if (rows * columns != Width || labels.Length != count)
        {
            throw new InvalidDataException($"{dir}: expected 28×28 images with one label each; got {rows}×{columns}, {count} images, {labels.Length} labels.");
        }

        var permutation = Permutation(count, (ulong)seed);
        var pixels = new float[count * Width];
        var digits = new int[count];
        for (var i = 0; i < count; i++)
        {
            var source = permutation[i];
            for (var p = 0; p < Width; p++)
            {
                pixels[(i * Width) + p] = raw[(source * Width) + p] / 255f;
            }

            digits[i] = labels[source];
        }

        return new MnistWorkload(pixels, digits, count);
    }

    /// <summary>Fisher–Yates from the end, j = splitmix64 output mod (i + 1), as the peer.</summary>
    public static int[] Permutation(int n, ulong seed)
    {
        var perm = Enumerable.Range(0, n).ToArray();
        var state = seed;
        for (var i = n - 1; i > 0; i--)
        {
            state += 0x9E3779B97F4A7C15UL;
            var z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            var j = (int)(z % (ulong)(i + 1));
            (perm[i], perm[j]) = (perm[j], perm[i]);
        }

        return perm;
    }
}
