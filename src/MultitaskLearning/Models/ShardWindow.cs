using MultitaskLearning.Data;
using MultitaskLearning.Data.Shards;
using MultitaskLearning.Runtime;

namespace MultitaskLearning.Models;

/// <summary>
/// Prepared rows for a window of shards of a <see cref="ShardedDataset"/>, refilled in place: the tensors (and so
/// the pointers the engines hold) stay the same, only their first <see cref="Rows"/> rows change. Each shard is
/// mapped, encoded with <see cref="PreparedData.EncodeFeatures"/> and <see cref="PreparedData.EncodeTask"/> (the
/// in-memory encoding), and unmapped before the next.
/// </summary>
internal sealed class ShardWindow
{
    private readonly ShardedDataset shards;
    private readonly PreparedInput prepared;
    private readonly InputDefinition input;
    private readonly FeatureStatistics? featureStatistics;
    private readonly (TaskColumns Columns, int StoreTask, int StoreColumn, TargetStatistics? Scaling)[] tasks;

    public ShardWindow(MultitaskNetwork network, ShardedDataset shards, PreparedData data, IReadOnlyDictionary<string, FeatureStatistics> featureStatistics, IReadOnlyDictionary<string, TargetStatistics> targetStatistics)
    {
        this.shards = shards;
        prepared = data.Inputs[0];
        input = network.Definition.Inputs.First(i => i.Name == shards.InputName);
        this.featureStatistics = featureStatistics.GetValueOrDefault(input.Name);
        var storeColumns = new int[shards.Tasks.Count];
        for (var t = 1; t < storeColumns.Length; t++)
        {
            storeColumns[t] = storeColumns[t - 1] + shards.Tasks[t - 1].TargetWidth;
        }

        var layout = prepared.Layout;
        var list = new List<(TaskColumns, int, int, TargetStatistics?)>();
        var column = 0;
        for (var t = 0; t < layout.Tasks.Count; t++)
        {
            var storeTask = shards.Tasks.Select(x => x.Name).ToList().IndexOf(layout.Tasks[t].Name);
            if (storeTask >= 0)
            {
                list.Add((new TaskColumns(t, column), storeTask, storeColumns[storeTask], targetStatistics.GetValueOrDefault(layout.Tasks[t].Name)));
            }

            column += layout.Tasks[t].TargetWidth;
        }

        tasks = [.. list];
    }

    /// <summary>Rows held now (the first rows of the prepared tensors).</summary>
    public int Rows { get; private set; }

    /// <summary>The rows a window of these shards holds.</summary>
    public int RowsOf(IReadOnlyList<int> window) => window.Sum(s => shards.ShardRows[s]);

    /// <summary>Replaces the rows with those of <paramref name="window"/>'s shards, in that order.</summary>
    /// <exception cref="InvalidDataException">A shard file is damaged or a value is missing under the Error policy; the message names the shard.</exception>
    public unsafe void Load(IReadOnlyList<int> window)
    {
        var rows = RowsOf(window);
        if (rows > prepared.Count)
        {
            throw new InvalidOperationException($"A window of {rows} rows does not fit the {prepared.Count} prepared rows.");
        }

        var d = input.SampleSize;
        var targetWidth = (int)prepared.Targets.shape[1];
        var taskCount = (int)prepared.Present.shape[1];
        var features = TensorMemory.Floats(prepared.Features);
        var targets = TensorMemory.Floats(prepared.Targets);
        var present = TensorMemory.Floats(prepared.Present);
        new Span<float>(targets, checked(rows * targetWidth)).Clear();
        new Span<float>(present, checked(rows * taskCount)).Clear();
        Rows = 0;
        var offset = 0;
        foreach (var index in window)
        {
            using var view = shards.Map(index);
            var first = offset;
            PreparedData.EncodeFeatures(input, featureStatistics, view.Features, new Span<float>(features + ((long)offset * d), view.Rows * d), row => $"Shard '{view.Path}', row {row} (row {first + row} of the window)");
            foreach (var (columns, storeTask, storeColumn, scaling) in tasks)
            {
                PreparedData.EncodeTask(
                    columns, prepared.Layout, scaling, view.Rows,
                    view.Targets, shards.Layout.TargetWidth, storeColumn, view.Present, shards.Layout.TaskCount, storeTask,
                    new Span<float>(targets + ((long)offset * targetWidth), view.Rows * targetWidth),
                    new Span<float>(present + ((long)offset * taskCount), view.Rows * taskCount));
            }

            offset += view.Rows;
        }

        Rows = rows;
    }
}
