namespace MultitaskLearning.Data.Shards;

/// <summary>
/// Where a shard file keeps its rows. A shard of R rows is one little-endian file without a header: the raw features
/// as float32 [R, d] (d values per sample, NaN where a value is missing), then the targets as float32 [R, W] (each
/// task's <see cref="Tasks.TaskDefinition.TargetWidth"/> columns in task order: a class index, 0/1, or values in the
/// target's units; 0 where unlabelled), then the label masks as bytes [R, T] (1 where the task is labelled).
/// NumPy reads it with <c>numpy.memmap</c> at these offsets.
/// </summary>
/// <param name="SampleSize">d: values per sample.</param>
/// <param name="TargetWidth">W: target columns over all tasks.</param>
/// <param name="TaskCount">T: tasks.</param>
internal readonly record struct ShardLayout(int SampleSize, int TargetWidth, int TaskCount)
{
    /// <summary>The bytes one row takes in a shard file.</summary>
    public long RowBytes => (4L * SampleSize) + (4L * TargetWidth) + TaskCount;

    /// <summary>The size of a shard file of <paramref name="rows"/> rows.</summary>
    public long FileBytes(int rows) => rows * RowBytes;

    /// <summary>Checks that the shard file at <paramref name="path"/> has exactly the size of <paramref name="rows"/>
    /// rows, and returns that size.</summary>
    /// <exception cref="InvalidDataException">It has another size (truncated, or of another store); the message names it.</exception>
    public long CheckFile(string path, int rows)
    {
        var expected = FileBytes(rows);
        var actual = new FileInfo(path).Length;
        return actual == expected
            ? expected
            : throw new InvalidDataException($"Shard '{path}' has {actual} bytes; its {rows} rows of {RowBytes} bytes take {expected}. The file is truncated or belongs to another store.");
    }

    /// <summary>Where the targets start in a shard file of <paramref name="rows"/> rows.</summary>
    public long TargetsOffset(int rows) => 4L * rows * SampleSize;

    /// <summary>Where the label masks start in a shard file of <paramref name="rows"/> rows.</summary>
    public long PresentOffset(int rows) => 4L * rows * (SampleSize + TargetWidth);

    /// <summary>The name of shard <paramref name="index"/>.</summary>
    public static string FileName(int index) => $"shard-{index:D5}.bin";
}
