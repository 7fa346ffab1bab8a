using System.IO.MemoryMappedFiles;

namespace MultitaskLearning.Data.Shards;

/// <summary>One shard file mapped into memory read-only, with spans over its three blocks (<see cref="ShardLayout"/>).
/// Disposing it unmaps the file, so its pages stop counting towards the process's resident memory.</summary>
internal sealed unsafe class ShardView : IDisposable
{
    private readonly MemoryMappedFile file;
    private readonly MemoryMappedViewAccessor accessor;
    private readonly byte* start;
    private readonly ShardLayout layout;

    /// <summary>Maps <paramref name="path"/>, a shard of <paramref name="rows"/> rows.</summary>
    /// <exception cref="InvalidDataException">The file's size does not fit the rows (truncated or of another store); the message names it.</exception>
    public ShardView(string path, int rows, ShardLayout layout)
    {
        this.layout = layout;
        Rows = rows;
        Path = path;
        var expected = layout.CheckFile(path, rows);
        file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        try
        {
            accessor = file.CreateViewAccessor(0, expected, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            accessor.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            start = pointer + accessor.PointerOffset;
        }
        catch
        {
            accessor?.Dispose();
            file.Dispose();
            throw;
        }
    }

    public string Path { get; }

    public int Rows { get; }

    /// <summary>[rows, d] raw features.</summary>
    public ReadOnlySpan<float> Features => new(start, checked(Rows * layout.SampleSize));

    /// <summary>[rows, W] raw targets.</summary>
    public ReadOnlySpan<float> Targets => new(start + layout.TargetsOffset(Rows), checked(Rows * layout.TargetWidth));

    /// <summary>[rows, T] label masks (0 or 1).</summary>
    public ReadOnlySpan<byte> Present => new(start + layout.PresentOffset(Rows), checked(Rows * layout.TaskCount));

    public void Dispose()
    {
        accessor.SafeMemoryMappedViewHandle.ReleasePointer();
        accessor.Dispose();
        file.Dispose();
    }
}
