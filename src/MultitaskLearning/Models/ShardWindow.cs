using MultitaskLearning.Data;
using MultitaskLearning.Data.Shards;
using MultitaskLearning.Runtime;
using MultitaskLearning.Tasks;

namespace MultitaskLearning.Models;

/// <summary>
/// Prepared rows for a window of shards of a <see cref="ShardedDataset"/>, refilled in place: the tensors (and so
/// the pointers the engines hold) stay the same, only their first <see cref="Rows"/> rows change. Each shard is
/// mapped, encoded with <see cref="PreparedData.EncodeFeatures"/> and <see cref="PreparedData.EncodeTask"/> (the
/// in-memory encoding), and unmapped before the next. While the engine trains on one window the next is read into
/// staging rows of the same size on a background thread (<see cref="Prefetch"/>), so reading overlaps training.
/// </summary>
internal sealed class ShardWindow : IDisposable
{
    private readonly ShardedDataset shards;
    private readonly PreparedInput prepared;
    private readonly InputDefinition input;
    private readonly FeatureStatistics? featureStatistics;
    private readonly (TaskColumns Columns, int StoreTask, int StoreColumn, TargetStatistics? Scaling)[] tasks;
    private readonly int d;
    private readonly int targetWidth;
    private readonly int taskCount;
    private readonly StagingRows staging;
    private Task<int>? pending;
    private int[]? pendingWindow;

    public ShardWindow(MultitaskNetwork network, ShardedDataset shards, PreparedData data, IReadOnlyDictionary<string, FeatureStatistics> featureStatistics, IReadOnlyDictionary<string, TargetStatistics> targetStatistics)
    {
        this.shards = shards;
        prepared = data.Inputs[0];
        input = network.Definition.Inputs.First(i => i.Name == shards.InputName);
        this.featureStatistics = featureStatistics.GetValueOrDefault(input.Name);
        var storeColumns = TargetColumns.Offsets(shards.Tasks);
        var layout = prepared.Layout;
        var columns = TargetColumns.Offsets(layout.Tasks);
        var list = new List<(TaskColumns, int, int, TargetStatistics?)>();
        for (var t = 0; t < layout.Tasks.Count; t++)
        {
            var task = layout.Tasks[t];
            if (shards.IndexOf(task.Name) is { } storeTask)
            {
                list.Add((new TaskColumns(t, columns[t], task.TargetWidth), storeTask, storeColumns[storeTask], targetStatistics.GetValueOrDefault(task.Name)));
            }
        }

        tasks = [.. list];
        d = input.SampleSize;
        targetWidth = (int)prepared.Targets.shape[1];
        taskCount = (int)prepared.Present.shape[1];
        staging = new StagingRows(prepared.Count, d, targetWidth, taskCount);
    }

    /// <summary>Rows held now (the first rows of the prepared tensors).</summary>
    public int Rows { get; private set; }

    /// <summary>The rows a window of these shards holds.</summary>
    public int RowsOf(IReadOnlyList<int> window) => window.Sum(s => shards.ShardRows[s]);

    /// <summary>Replaces the rows with those of <paramref name="window"/>'s shards, in that order: from the staging
    /// rows when <see cref="Prefetch"/> was given this window, else read now.</summary>
    /// <exception cref="InvalidDataException">A shard file is damaged or a value is missing under the Error policy; the message names the shard.</exception>
    public unsafe void Load(IReadOnlyList<int> window)
    {
        var rows = RowsOf(window);
        if (rows > prepared.Count)
        {
            throw new InvalidOperationException($"A window of {rows} rows does not fit the {prepared.Count} prepared rows.");
        }

        var features = TensorMemory.Floats(prepared.Features);
        var targets = TensorMemory.Floats(prepared.Targets);
        var present = TensorMemory.Floats(prepared.Present);
        Rows = 0;
        var staged = pending is not null && pendingWindow!.SequenceEqual(window);
        var prefetched = WaitForPrefetch(rethrow: staged);
        if (staged)
        {
            Buffer.MemoryCopy(staging.Features, features, (long)rows * d * sizeof(float), (long)rows * d * sizeof(float));
            Buffer.MemoryCopy(staging.Targets, targets, (long)rows * targetWidth * sizeof(float), (long)rows * targetWidth * sizeof(float));
            Buffer.MemoryCopy(staging.Present, present, (long)rows * taskCount * sizeof(float), (long)rows * taskCount * sizeof(float));
        }
        else
        {
            Encode(window, features, targets, present);
        }

        Rows = prefetched == rows || !staged ? rows : throw new InvalidOperationException("The staged window has another size.");
    }

    /// <summary>Starts reading <paramref name="window"/>'s shards into the staging rows on a background thread, so the
    /// next <see cref="Load"/> of that window is a copy in memory.</summary>
    public void Prefetch(IReadOnlyList<int> window)
    {
        WaitForPrefetch(rethrow: false);
        var shardsOfWindow = window.ToArray();
        pendingWindow = shardsOfWindow;
        pending = Task.Run(() =>
        {
            unsafe
            {
                Encode(shardsOfWindow, staging.Features, staging.Targets, staging.Present);
            }

            return RowsOf(shardsOfWindow);
        });
    }

    /// <summary>Waits for a running prefetch and frees the staging rows.</summary>
    public void Dispose()
    {
        WaitForPrefetch(rethrow: false);
        staging.Dispose();
    }

    /// <summary>Waits for the prefetch, if any; returns its rows, rethrowing its failure only when asked (a prefetch
    /// that is not used may fail unseen: the window is read again when it is needed).</summary>
    private int WaitForPrefetch(bool rethrow)
    {
        if (pending is not { } task)
        {
            return 0;
        }

        pending = null;
        pendingWindow = null;
        try
        {
            return task.GetAwaiter().GetResult();
        }
        catch (Exception) when (!rethrow)
        {
            return 0;
        }
    }

    /// <summary>Maps each shard of the window in turn, encodes its rows at the given addresses and unmaps it.</summary>
    private unsafe void Encode(IReadOnlyList<int> window, float* features, float* targets, float* present)
    {
        var rows = RowsOf(window);
        new Span<float>(targets, checked(rows * targetWidth)).Clear();
        new Span<float>(present, checked(rows * taskCount)).Clear();
        var offset = 0;
        foreach (var index in window)
        {
            using var view = shards.Map(index);
            var first = offset;
            PreparedData.EncodeFeatures(input, featureStatistics, view.Features, new Span<float>(features + ((long)offset * d), view.Rows * d), row => $"Shard '{view.Path}', row {row} (row {first + row} of the window)");
            foreach (var (columns, storeTask, storeColumn, scaling) in tasks)
            {
                PreparedData.EncodeTask(
                    columns, targetWidth, taskCount, scaling, view.Rows,
                    view.Targets, shards.Layout.TargetWidth, storeColumn, view.Present, shards.Layout.TaskCount, storeTask,
                    new Span<float>(targets + ((long)offset * targetWidth), view.Rows * targetWidth),
                    new Span<float>(present + ((long)offset * taskCount), view.Rows * taskCount));
            }

            offset += view.Rows;
        }
    }
}
