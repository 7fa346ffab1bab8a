using System.Text.Json;
using MultitaskLearning.Runtime;
using MultitaskLearning.Tasks;

namespace MultitaskLearning.Data.Shards;

/// <summary>
/// Writes a shard store block by block, so that a corpus larger than memory can be stored from any adapter: it keeps
/// one shard's rows in memory, writes each full shard to disk, and gathers the moments the preprocessing statistics
/// need on the way. <see cref="Complete"/> writes the last shard and the description (<c>shards.json</c>), which makes
/// the folder a store; disposing an incomplete writer deletes what it wrote.
/// </summary>
/// <example>
/// <code>
/// using var writer = new ShardedDatasetWriter("shards", "pixels", [784], [digit, parity]);
/// foreach (var (images, digits, parities) in blocks)
/// {
///     writer.Append(images, new Dictionary&lt;string, LabelColumn&gt;
///     {
///         ["digit"] = LabelColumn.FromClassIndices(digits),
///         ["parity"] = LabelColumn.FromLabels(parities),
///     });
/// }
///
/// var data = writer.Complete(memoryBudget: 512L &lt;&lt; 20);
/// </code>
/// </example>
public sealed class ShardedDatasetWriter : IDisposable
{
    private readonly string directory;
    private readonly bool createdDirectory;
    private readonly string inputName;
    private readonly int[] sampleShape;
    private readonly TaskDefinition[] tasks;
    private readonly Dictionary<string, TaskDefinition> tasksByName;
    private readonly int rowsPerShard;
    private readonly ShardLayout layout;
    private readonly int[] targetOffsets;
    private readonly float[] features;
    private readonly float[] targets;
    private readonly byte[] present;
    private readonly long[] observed;
    private readonly double[] sums;
    private readonly long[] labelled;
    private readonly double[][] targetSums;
    private readonly double[][] targetSquares;
    private readonly List<int> shardRows = [];
    private long[]? firstMissing;
    private int buffered;
    private long rows;
    private bool completed;
    private bool disposed;

    /// <summary>Starts a store in <paramref name="directory"/>.</summary>
    /// <param name="directory">A folder that does not exist (it is created) or is empty.</param>
    /// <param name="inputName">The input the samples belong to (the model's input of that name reads them).</param>
    /// <param name="sampleShape">The shape of one sample, for example [1, 28, 28].</param>
    /// <param name="tasks">The tasks, with unique names; each block labels any of them.</param>
    /// <param name="rowsPerShard">Rows per shard file; training's memory budget must hold at least one shard.</param>
    /// <exception cref="ArgumentException">The folder is not empty, the shape has a non-positive size, the tasks are empty or share a name.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rowsPerShard"/> is not positive.</exception>
    public ShardedDatasetWriter(string directory, string inputName, int[] sampleShape, IEnumerable<TaskDefinition> tasks, int rowsPerShard = ShardedDataset.DefaultRowsPerShard)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentException.ThrowIfNullOrWhiteSpace(inputName);
        ArgumentNullException.ThrowIfNull(sampleShape);
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rowsPerShard);
        MultitaskDatasetBuilder.CheckSampleShape(inputName, sampleShape);
        this.tasks = tasks.ToArray();
        tasksByName = MultitaskDatasetBuilder.IndexTasks(this.tasks, "A shard store");

        this.directory = Path.GetFullPath(directory);
        if (System.IO.Directory.Exists(this.directory) && System.IO.Directory.EnumerateFileSystemEntries(this.directory).Any())
        {
            throw new ArgumentException($"Folder '{this.directory}' is not empty; a shard store is written into a new or empty folder.", nameof(directory));
        }

        createdDirectory = !System.IO.Directory.Exists(this.directory);
        System.IO.Directory.CreateDirectory(this.directory);
        this.inputName = inputName;
        this.sampleShape = (int[])sampleShape.Clone();
        this.rowsPerShard = rowsPerShard;
        var d = sampleShape.Aggregate(1, (a, b) => checked(a * b));
        targetOffsets = TargetColumns.Offsets(this.tasks);
        layout = new ShardLayout(d, targetOffsets[^1], this.tasks.Length);

        features = new float[checked(rowsPerShard * d)];
        targets = new float[checked(rowsPerShard * layout.TargetWidth)];
        present = new byte[checked(rowsPerShard * layout.TaskCount)];
        observed = new long[d];
        sums = new double[d];
        labelled = new long[this.tasks.Length];
        targetSums = this.tasks.Select(t => new double[t.TargetWidth]).ToArray();
        targetSquares = this.tasks.Select(t => new double[t.TargetWidth]).ToArray();
    }

    /// <summary>The rows appended so far.</summary>
    public long Count => rows;

    /// <summary>Appends a block of samples with their labels; a task without a column in <paramref name="labels"/> is
    /// unlabelled on these rows. The block is checked as <see cref="MultitaskDatasetBuilder.AddSamples(string, float[], int[], IReadOnlyDictionary{string, LabelColumn})"/> checks it.</summary>
    /// <param name="values">Row-major samples of the writer's sample shape; NaN marks a missing value.</param>
    /// <param name="labels">Labels per task name, one entry per sample.</param>
    /// <returns>This writer.</returns>
    /// <exception cref="ArgumentException">A value is infinite, the values are not whole samples, a label column names an
    /// unknown task or has the wrong count, or a label does not fit its task; the message names the row (counted over
    /// the whole store).</exception>
    /// <exception cref="KeyNotFoundException">A label name is not in its task's vocabulary.</exception>
    /// <exception cref="InvalidOperationException">The writer was completed.</exception>
    public ShardedDatasetWriter Append(float[] values, IReadOnlyDictionary<string, LabelColumn> labels)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (completed)
        {
            throw new InvalidOperationException($"The shard store '{directory}' is complete; start a new writer to write another.");
        }

        int count;
        List<(string Task, float[] Values, bool[] Present)> resolved;
        try
        {
            (count, resolved) = MultitaskDatasetBuilder.ResolveBlock(inputName, values, sampleShape, labels, tasksByName, tasks);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"Shard store '{directory}', block starting at row {rows}: {ex.Message}", ex.ParamName, ex);
        }

        var byTask = resolved.ToDictionary(r => r.Task, r => (r.Values, r.Present), StringComparer.Ordinal);
        var columns = tasks.Select(t => byTask.TryGetValue(t.Name, out var c) ? c : ((float[] Values, bool[] Present)?)null).ToArray();
        var d = layout.SampleSize;
        for (var i = 0; i < count; i++)
        {
            AddRow(values.AsSpan(i * d, d), columns, i);
            if (buffered == rowsPerShard)
            {
                FlushShard();
            }
        }

        return this;
    }

    /// <summary>Appends the rows of an in-memory dataset, for example one block of files read by an adapter (see
    /// <see cref="LabeledFileDataset.WriteShards"/>).</summary>
    /// <param name="block">A dataset with one input table: this writer's input, with its sample shape.</param>
    /// <returns>This writer.</returns>
    /// <exception cref="ArgumentException">The block has another input or shape, or a task this store does not have.</exception>
    public ShardedDatasetWriter Append(MultitaskDataset block)
    {
        ArgumentNullException.ThrowIfNull(block);
        if (block.Inputs.Count != 1 || !block.Inputs.TryGetValue(inputName, out var table))
        {
            throw new ArgumentException($"Shard store '{directory}' holds input '{inputName}'; the block has input(s) {string.Join(", ", block.Inputs.Keys)}.", nameof(block));
        }

        var labels = block.Tasks.ToDictionary(t => t.Name, t => LabelColumn.FromTargets(block.Targets[t.Name]), StringComparer.Ordinal);
        return Append(table.RawValues, labels);
    }

    /// <summary>Writes the last shard, completes the moments with a second pass over the shards (the variances, as
    /// <see cref="FeatureStatistics.Compute"/> takes them: around the final mean) and writes <c>shards.json</c>.</summary>
    /// <param name="memoryBudget">The returned dataset's memory budget (see <see cref="ShardedDataset.MemoryBudget"/>).</param>
    /// <returns>The store, opened.</returns>
    /// <exception cref="InvalidOperationException">No rows were appended, or a task has no labelled row.</exception>
    public ShardedDataset Complete(long memoryBudget = ShardedDataset.DefaultMemoryBudget)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (completed)
        {
            throw new InvalidOperationException($"The shard store '{directory}' is already complete.");
        }

        if (rows == 0)
        {
            throw new InvalidOperationException($"No rows were appended to the shard store '{directory}'.");
        }

        var unlabelled = tasks.Where((_, t) => labelled[t] == 0).Select(t => t.Name).ToArray();
        if (unlabelled.Length > 0)
        {
            throw new InvalidOperationException($"Task(s) {string.Join(", ", unlabelled)} have no labelled row in the shard store '{directory}'; label some rows or leave them out of the task list.");
        }

        if (buffered > 0)
        {
            FlushShard();
        }

        var d = layout.SampleSize;
        var means = new double[d];
        for (var j = 0; j < d; j++)
        {
            means[j] = observed[j] == 0 ? 0 : sums[j] / observed[j];
        }

        var squares = new double[d];
        for (var s = 0; s < shardRows.Count; s++)
        {
            using var view = new ShardView(Path.Combine(directory, ShardLayout.FileName(s)), shardRows[s], layout);
            var shard = view.Features;
            for (var i = 0; i < view.Rows; i++)
            {
                var row = shard.Slice(i * d, d);
                for (var j = 0; j < d; j++)
                {
                    double v = row[j];
                    if (!double.IsNaN(v))
                    {
                        squares[j] += (v - means[j]) * (v - means[j]);
                    }
                }
            }
        }

        var manifest = new ShardManifest
        {
            Format = ShardManifest.FormatName,
            FormatVersion = ShardManifest.CurrentFormatVersion,
            Id = Guid.NewGuid().ToString("N"),
            Input = new ShardManifest.InputEntry { Name = inputName, SampleShape = sampleShape },
            Tasks = tasks.Select(t => TaskRecord.From(t, inputName)).ToList(),
            TargetWidths = tasks.Select(t => t.TargetWidth).ToArray(),
            RowsPerShard = rowsPerShard,
            Rows = rows,
            Shards = shardRows.Select((r, i) => new ShardManifest.ShardEntry { File = ShardLayout.FileName(i), Rows = r }).ToList(),
            Features = new ShardManifest.FeatureMomentsEntry
            {
                Observed = observed,
                Mean = means,
                Variance = squares.Select((q, j) => observed[j] == 0 ? 0 : q / observed[j]).ToArray(),
                FirstMissing = firstMissing,
            },
            Targets = tasks.Select((t, i) => new ShardManifest.TargetSumsEntry
            {
                Task = t.Name,
                Labelled = labelled[i],
                Sum = targetSums[i],
                SumOfSquares = targetSquares[i],
            }).ToList(),
        };
        DurableFile.Write(Path.Combine(directory, ShardManifest.FileName), stream => JsonSerializer.Serialize(stream, manifest, ShardManifest.JsonOptions));
        completed = true;
        return ShardedDataset.Open(directory, memoryBudget);
    }

    /// <summary>Deletes the shard files of an incomplete store (and its folder, when this writer created it).</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        if (completed)
        {
            return;
        }

        for (var s = 0; s <= shardRows.Count; s++)
        {
            File.Delete(Path.Combine(directory, ShardLayout.FileName(s)));
        }

        if (createdDirectory && System.IO.Directory.Exists(directory) && !System.IO.Directory.EnumerateFileSystemEntries(directory).Any())
        {
            System.IO.Directory.Delete(directory);
        }
    }

    private void AddRow(ReadOnlySpan<float> sample, (float[] Values, bool[] Present)?[] columns, int row)
    {
        var d = layout.SampleSize;
        sample.CopyTo(features.AsSpan(buffered * d, d));
        for (var j = 0; j < d; j++)
        {
            double v = sample[j];
            if (double.IsNaN(v))
            {
                firstMissing ??= [rows, j];
                continue;
            }

            observed[j]++;
            sums[j] += v;
        }

        var targetRow = targets.AsSpan(buffered * layout.TargetWidth, layout.TargetWidth);
        var presentRow = present.AsSpan(buffered * layout.TaskCount, layout.TaskCount);
        targetRow.Clear();
        presentRow.Clear();
        for (var t = 0; t < tasks.Length; t++)
        {
            if (columns[t] is not { } column || !column.Present[row])
            {
                continue;
            }

            var width = tasks[t].TargetWidth;
            presentRow[t] = 1;
            labelled[t]++;
            for (var j = 0; j < width; j++)
            {
                double v = column.Values[(row * width) + j];
                targetRow[targetOffsets[t] + j] = (float)v;
                targetSums[t][j] += v;
                targetSquares[t][j] += v * v;
            }
        }

        buffered++;
        rows++;
    }

    private void FlushShard()
    {
        var path = Path.Combine(directory, ShardLayout.FileName(shardRows.Count));
        using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
        {
            stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(features.AsSpan(0, buffered * layout.SampleSize)));
            stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(targets.AsSpan(0, buffered * layout.TargetWidth)));
            stream.Write(present.AsSpan(0, buffered * layout.TaskCount));
        }

        shardRows.Add(buffered);
        buffered = 0;
    }
}
