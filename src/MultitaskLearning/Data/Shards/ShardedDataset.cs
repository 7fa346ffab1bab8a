using System.Text.Json;
using MultitaskLearning.Tasks;

namespace MultitaskLearning.Data.Shards;

/// <summary>
/// Training data kept on disk: samples of one input with labels for any of the tasks, in shard files that are mapped
/// into memory a few at a time. Training reads a window of shards (as many as <see cref="MemoryBudget"/> allows),
/// shuffles its rows, trains on them and moves on; the shard order changes every pass, seeded and resumable. Write a
/// store once with <see cref="ShardedDatasetWriter"/> (block by block, so a corpus never has to fit in memory) or
/// <see cref="Write"/>, then open it with <see cref="Open"/> and pass it to
/// <c>MultitaskTrainer.Fit</c>.
/// The files' format is in the README ("Data larger than memory"); NumPy reads them with <c>numpy.memmap</c>.
/// </summary>
public sealed class ShardedDataset
{
    /// <summary>The rows per shard file when none is given: 16,384.</summary>
    public const int DefaultRowsPerShard = 16384;

    /// <summary>The memory budget when none is given: 256 MiB.</summary>
    public const long DefaultMemoryBudget = 256L << 20;

    private readonly ShardManifest manifest;
    private readonly TaskDefinition[] tasks;
    private readonly int[] sampleShape;
    private readonly int[] shardRows;
    private readonly Dictionary<string, int> taskIndex;
    private readonly int[] targetColumns;

    private ShardedDataset(string directory, ShardManifest manifest, TaskDefinition[] tasks, long memoryBudget)
    {
        Directory = directory;
        this.manifest = manifest;
        this.tasks = tasks;
        sampleShape = manifest.Input!.SampleShape!;
        shardRows = manifest.Shards!.Select(s => s.Rows).ToArray();
        taskIndex = tasks.Select((t, i) => (t.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        targetColumns = TargetColumns.Offsets(tasks);
        MemoryBudget = memoryBudget;
        Layout = new ShardLayout(SampleSize, targetColumns[^1], tasks.Length);
    }

    /// <summary>The store's folder (full path).</summary>
    public string Directory { get; }

    /// <summary>The input the samples belong to.</summary>
    public string InputName => manifest.Input!.Name!;

    /// <summary>The shape of one sample.</summary>
    public IReadOnlyList<int> SampleShape => sampleShape;

    /// <summary>Values per sample.</summary>
    public int SampleSize => sampleShape.Aggregate(1, (a, b) => a * b);

    /// <summary>The tasks, in the store's order.</summary>
    public IReadOnlyList<TaskDefinition> Tasks => tasks;

    /// <summary>The number of samples.</summary>
    public long Count => manifest.Rows;

    /// <summary>The number of shard files.</summary>
    public int ShardCount => shardRows.Length;

    /// <summary>Rows per shard (the last shard may have fewer).</summary>
    public int RowsPerShard => manifest.RowsPerShard;

    /// <summary>The bytes the shard files take on disk.</summary>
    public long SizeInBytes => Count * Layout.RowBytes;

    /// <summary>The most memory training may hold for this data at once: prepared rows of a window of shards, their
    /// order, and the one shard being mapped.</summary>
    public long MemoryBudget { get; }

    /// <summary>A random identifier written with the store; a resumed run checks it.</summary>
    internal string Id => manifest.Id!;

    internal ShardLayout Layout { get; }

    internal ShardManifest Manifest => manifest;

    /// <summary>Rows of each shard.</summary>
    internal IReadOnlyList<int> ShardRows => shardRows;

    /// <summary>The labelled samples of a task.</summary>
    /// <param name="taskName">The task.</param>
    /// <returns>The count.</returns>
    /// <exception cref="KeyNotFoundException">No task has that name; the message lists the tasks.</exception>
    public long LabelledCount(string taskName) => TargetSums(taskName).Labelled;

    /// <summary>Opens a store written by <see cref="ShardedDatasetWriter"/>, checking its description and every shard
    /// file's size.</summary>
    /// <param name="directory">The store's folder.</param>
    /// <param name="memoryBudget">The memory budget in bytes for training on it (see <see cref="MemoryBudget"/>).</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The folder has no <c>shards.json</c> (nothing was completed there) or a shard file is missing.</exception>
    /// <exception cref="InvalidDataException">The description is not valid or a shard file has the wrong size; the message names the file and field.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The budget is not positive.</exception>
    public static ShardedDataset Open(string directory, long memoryBudget = DefaultMemoryBudget)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(memoryBudget);
        var full = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(full))
        {
            throw new DirectoryNotFoundException($"Shard store '{full}' does not exist.");
        }

        var path = Path.Combine(full, ShardManifest.FileName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"'{full}' has no {ShardManifest.FileName}: it is not a shard store, or its writer did not complete.", path);
        }

        ShardManifest manifest;
        try
        {
            using var stream = File.OpenRead(path);
            manifest = JsonSerializer.Deserialize<ShardManifest>(stream, ShardManifest.JsonOptions)
                ?? throw new InvalidDataException("the file holds null");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"'{path}' is not a valid shard description: {ex.Message}", ex);
        }

        var tasks = Validate(path, manifest);
        var dataset = new ShardedDataset(full, manifest, tasks, memoryBudget);
        for (var i = 0; i < dataset.ShardCount; i++)
        {
            var file = dataset.ShardPath(i);
            if (!File.Exists(file))
            {
                throw new FileNotFoundException($"Shard store '{full}': shard {i} ('{manifest.Shards![i].File}') is missing.", file);
            }

            dataset.Layout.CheckFile(file, dataset.shardRows[i]);
        }

        return dataset;
    }

    /// <summary>Writes an in-memory dataset with one input table as a shard store.</summary>
    /// <param name="dataset">The data.</param>
    /// <param name="directory">A folder that does not exist or is empty.</param>
    /// <param name="rowsPerShard">Rows per shard file.</param>
    /// <param name="memoryBudget">The returned dataset's memory budget.</param>
    /// <returns>The store, opened.</returns>
    /// <exception cref="ArgumentException">The dataset has several input tables (write one store per input), or the folder is not empty.</exception>
    public static ShardedDataset Write(MultitaskDataset dataset, string directory, int rowsPerShard = DefaultRowsPerShard, long memoryBudget = DefaultMemoryBudget)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (dataset.Inputs.Count != 1)
        {
            throw new ArgumentException($"A shard store holds one input; the dataset has {dataset.Inputs.Count} ({string.Join(", ", dataset.Inputs.Keys)}). Write one store per input.", nameof(dataset));
        }

        var table = dataset.Inputs.Values.Single();
        using var writer = new ShardedDatasetWriter(directory, table.Name, table.RawShape, dataset.Tasks, rowsPerShard);
        var labels = dataset.Tasks.ToDictionary(t => t.Name, t => LabelColumn.FromTargets(dataset.Targets[t.Name]), StringComparer.Ordinal);
        writer.Append(table.RawValues, labels);
        return writer.Complete(memoryBudget);
    }

    /// <summary>Reads consecutive rows into memory, for evaluation or inspection of a part of the store.</summary>
    /// <param name="start">The first row.</param>
    /// <param name="count">The number of rows.</param>
    /// <returns>An in-memory dataset of those rows with the store's tasks.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The range is outside the store.</exception>
    public MultitaskDataset ReadRows(long start, int count)
    {
        if (start < 0 || count <= 0 || start + count > Count)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"Rows [{start}, {start + count}) are outside the store's {Count} rows.");
        }

        var d = SampleSize;
        var values = new float[checked(count * d)];
        var taskValues = tasks.Select(t => new float[count * t.TargetWidth]).ToArray();
        var present = tasks.Select(_ => new bool[count]).ToArray();
        var shard = (int)(start / RowsPerShard);
        var row = (int)(start - ((long)shard * RowsPerShard));
        var done = 0;
        while (done < count)
        {
            using var view = Map(shard);
            var take = Math.Min(count - done, view.Rows - row);
            view.Features.Slice(row * d, take * d).CopyTo(values.AsSpan(done * d));
            for (var t = 0; t < tasks.Length; t++)
            {
                var width = tasks[t].TargetWidth;
                var column = targetColumns[t];
                for (var i = 0; i < take; i++)
                {
                    present[t][done + i] = view.Present[((row + i) * tasks.Length) + t] != 0;
                    view.Targets.Slice(((row + i) * Layout.TargetWidth) + column, width).CopyTo(taskValues[t].AsSpan((done + i) * width));
                    if (!present[t][done + i])
                    {
                        taskValues[t].AsSpan((done + i) * width, width).Fill(float.NaN);
                    }
                }
            }

            done += take;
            shard++;
            row = 0;
        }

        var builder = new MultitaskDatasetBuilder(tasks);
        var labels = tasks.Select((t, i) => (t, i)).ToDictionary(
            x => x.t.Name,
            x => LabelColumn.FromTargets(new TaskTargets(x.t, InputName, taskValues[x.i], present[x.i])),
            StringComparer.Ordinal);
        return builder.AddSamples(InputName, values, sampleShape, labels).Build();
    }

    /// <summary>The preprocessing statistics of the input as training computes them from all rows.</summary>
    /// <param name="standardize">Whether to centre and scale.</param>
    /// <param name="missing">How missing values are filled.</param>
    /// <returns>The statistics.</returns>
    /// <exception cref="InvalidDataException">A value is missing and <paramref name="missing"/> is Error, the policy
    /// is Median (a store keeps no medians), or a feature has no value.</exception>
    internal FeatureStatistics FeatureStatistics(bool standardize, MissingValuePolicy missing)
    {
        var moments = manifest.Features!;
        if (missing == MissingValuePolicy.Median)
        {
            throw new InvalidDataException(
                $"Shard store '{Directory}', input '{InputName}': the input's MissingValues policy is Median, which needs every value in memory; with a shard store use Mean (or Error).");
        }

        if (moments.FirstMissing is { } first && missing == MissingValuePolicy.Error)
        {
            throw new InvalidDataException(
                $"Shard store '{Directory}', input '{InputName}', row {first[0]}, feature {first[1]}: the value is missing (NaN) and the input's MissingValues policy is Error. Choose Mean for this input, or clean the data.");
        }

        return Data.FeatureStatistics.FromMoments(InputName, Count, moments.Observed!, moments.Mean!, moments.Variance!, null, standardize, missing);
    }

    /// <summary>A regression task's target statistics as training computes them from all labelled rows.</summary>
    internal TargetStatistics TargetStatistics(string taskName)
    {
        var sums = TargetSums(taskName);
        return Data.TargetStatistics.FromSums(taskName, sums.Labelled, sums.Sum!, sums.SumOfSquares!);
    }

    /// <summary>The index of a task among <see cref="Tasks"/>, or null when the store does not have it.</summary>
    internal int? IndexOf(string taskName) => taskIndex.TryGetValue(taskName, out var index) ? index : null;

    /// <summary>Maps shard <paramref name="index"/>; dispose the view to unmap it.</summary>
    internal ShardView Map(int index) => new(ShardPath(index), shardRows[index], Layout);

    internal string ShardPath(int index) => Path.Combine(Directory, manifest.Shards![index].File!);

    private ShardManifest.TargetSumsEntry TargetSums(string taskName) => IndexOf(taskName) is { } index
        ? manifest.Targets![index]
        : throw new KeyNotFoundException($"Shard store '{Directory}' has no task '{taskName}'. Tasks: {string.Join(", ", tasks.Select(t => t.Name))}.");

    private static TaskDefinition[] Validate(string path, ShardManifest manifest)
    {
        void Check(bool condition, string problem)
        {
            if (!condition)
            {
                throw new InvalidDataException($"Shard description '{path}': {problem}.");
            }
        }

        Check(manifest.Format == ShardManifest.FormatName, $"format is '{manifest.Format}', not '{ShardManifest.FormatName}'");
        Check(manifest.FormatVersion == ShardManifest.CurrentFormatVersion, $"formatVersion {manifest.FormatVersion}; this library reads version {ShardManifest.CurrentFormatVersion}");
        Check(!string.IsNullOrWhiteSpace(manifest.Id), "id is empty");
        Check(manifest.Input is { Name: { Length: > 0 }, SampleShape: { Length: > 0 } shape } && shape.All(d => d > 0), "input needs a name and a sample shape of positive sizes");
        var d = manifest.Input!.SampleShape!.Aggregate(1L, (a, b) => a * b);
        Check(d <= int.MaxValue / 4, $"samples of {d} values are too large");
        Check(manifest.Tasks is { Count: > 0 }, "tasks is empty");
        TaskDefinition[] tasks;
        try
        {
            tasks = manifest.Tasks!.Select(t => t.ToDefinition()).ToArray();
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            throw new InvalidDataException($"Shard description '{path}': a task is invalid: {ex.Message}", ex);
        }

        Check(tasks.Select(t => t.Name).Distinct(StringComparer.Ordinal).Count() == tasks.Length, "two tasks share a name");
        Check(manifest.TargetWidths is { } widths && widths.SequenceEqual(tasks.Select(t => t.TargetWidth)), $"targetWidths [{string.Join(", ", manifest.TargetWidths ?? [])}] do not fit the tasks ([{string.Join(", ", tasks.Select(t => t.TargetWidth))}])");
        Check(manifest.RowsPerShard > 0, $"rowsPerShard is {manifest.RowsPerShard}");
        Check(manifest.Shards is { Count: > 0 }, "shards is empty");
        for (var i = 0; i < manifest.Shards!.Count; i++)
        {
            var shard = manifest.Shards[i];
            Check(shard.File == ShardLayout.FileName(i), $"shard {i} is named '{shard.File}', not '{ShardLayout.FileName(i)}'");
            Check(shard.Rows > 0 && shard.Rows <= manifest.RowsPerShard && (shard.Rows == manifest.RowsPerShard || i == manifest.Shards.Count - 1),
                $"shard {i} has {shard.Rows} rows; every shard but the last has rowsPerShard ({manifest.RowsPerShard}) rows");
        }

        Check(manifest.Shards.Sum(s => (long)s.Rows) == manifest.Rows, $"rows is {manifest.Rows} but the shards hold {manifest.Shards.Sum(s => (long)s.Rows)}");
        var f = manifest.Features;
        Check(f is { Observed: { } o, Mean: { } m, Variance: { } v } && o.Length == d && m.Length == d && v.Length == d, $"features needs observed, mean and variance of {d} values each");
        Check(f!.Observed!.All(c => c >= 0 && c <= manifest.Rows) && f.Variance!.All(x => x >= 0 && double.IsFinite(x)) && f.Mean!.All(double.IsFinite), "features has a count outside [0, rows], a negative or non-finite variance, or a non-finite mean");
        Check(f.FirstMissing is null || (f.FirstMissing.Length == 2 && f.FirstMissing[0] >= 0 && f.FirstMissing[0] < manifest.Rows && f.FirstMissing[1] >= 0 && f.FirstMissing[1] < d), "features.firstMissing is not [row, feature] inside the store");
        Check(manifest.Targets is { } targets && targets.Select(t => t.Task).SequenceEqual(tasks.Select(t => t.Name)), "targets does not list the tasks in order");
        for (var t = 0; t < tasks.Length; t++)
        {
            var entry = manifest.Targets![t];
            Check(entry.Labelled >= 0 && entry.Labelled <= manifest.Rows && entry.Sum?.Length == tasks[t].TargetWidth && entry.SumOfSquares?.Length == tasks[t].TargetWidth
                && entry.Sum.All(double.IsFinite) && entry.SumOfSquares.All(double.IsFinite),
                $"targets of task '{tasks[t].Name}' need labelled in [0, rows] and finite sum and sumOfSquares of {tasks[t].TargetWidth} values");
        }

        return tasks;
    }
}
