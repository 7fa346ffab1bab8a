using static TorchSharp.torch;

namespace MultitaskLearning.Models;

/// <summary>
/// The dropout masks of one network, drawn from a counter-based generator: whether unit (slice, row, column) of
/// dropout layer <c>key</c> is kept at training step <see cref="Step"/> depends only on (<see cref="Seed"/>, step,
/// key, slice, row, column), through a SplitMix64 hash. Both training engines therefore drop the same units, in any
/// order and on any number of threads, and a run resumed from a checkpoint drops the units of the uninterrupted run.
/// A kept unit is scaled by 1 / (1 − rate), as <c>torch.nn.functional.dropout</c> does. Rows are numbered within each
/// input's batch, so in a layer shared by several inputs the batches' rows r draw the same mask at a step.
/// </summary>
internal sealed class DropoutMasks
{
    private int layers;

    /// <summary>The seed of the current training run.</summary>
    public ulong Seed { get; set; }

    /// <summary>The training step whose masks are drawn (the loop's count of steps taken before it).</summary>
    public long Step { get; set; }

    /// <summary>A key for one more dropout layer; layers get keys in the order the network builds them.</summary>
    public int NextKey() => layers++;

    /// <summary>Writes the mask values (0, or 1 / (1 − <paramref name="rate"/>)) of rows × columns units of slice
    /// <paramref name="slice"/> of layer <paramref name="key"/> to <paramref name="target"/>, whose rows are
    /// <paramref name="stride"/> values apart; rows are numbered from <paramref name="firstRow"/>.</summary>
    public unsafe void Fill(int key, int slice, int firstRow, int rows, int columns, double rate, float* target, int stride)
    {
        var threshold = Threshold(rate);
        var scale = (float)(1 / (1 - rate));
        var layer = LayerHash(key, slice);
        for (var r = 0; r < rows; r++)
        {
            var row = target + ((long)r * stride);
            var rowHash = Mix(layer ^ ((ulong)(uint)(firstRow + r) << 32));
            for (var c = 0; c < columns; c++)
            {
                row[c] = (uint)(Mix(rowHash ^ (uint)c) >> 40) >= threshold ? scale : 0f;
            }
        }
    }

    /// <summary>The mask of a [rows, columns] or [slices, rows, columns] activation of layer <paramref name="key"/>
    /// (slice <paramref name="slice"/> for a 2-D one), as a tensor of that shape on <paramref name="device"/>.</summary>
    public unsafe Tensor Mask(int key, int slice, long[] shape, double rate, Device device)
    {
        var (slices, rows, columns) = shape.Length switch
        {
            2 => (1, checked((int)shape[0]), checked((int)shape[1])),
            3 => (checked((int)shape[0]), checked((int)shape[1]), checked((int)shape[2])),
            _ => throw new ArgumentException($"Dropout masks are drawn for 2-D or 3-D activations, not {shape.Length}-D.", nameof(shape)),
        };
        var values = new float[(long)slices * rows * columns];
        fixed (float* pointer = values)
        {
            for (var s = 0; s < slices; s++)
            {
                Fill(key, shape.Length == 2 ? slice : s, 0, rows, columns, rate, pointer + ((long)s * rows * columns), columns);
            }
        }

        return tensor(values, shape, device: device);
    }

    /// <summary>The 24-bit threshold below which a unit is dropped.</summary>
    private static uint Threshold(double rate) => rate is >= 0 and < 1
        ? (uint)Math.Round(rate * (1 << 24))
        : throw new ArgumentOutOfRangeException(nameof(rate), rate, "A dropout rate is in [0, 1).");

    private ulong LayerHash(int key, int slice) =>
        Mix(Mix(Seed + (0x9E3779B97F4A7C15UL * (ulong)(Step + 1))) ^ (((ulong)(uint)key << 32) | (uint)slice));

    /// <summary>SplitMix64's finaliser.</summary>
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
