using MultitaskLearning.Tasks;

namespace MultitaskLearning.Data;

/// <summary>
/// Samples and labels for several tasks. It covers both shapes of multitask data: one input per sample with labels
/// for several tasks (any label may be missing), and separate per-task sample sets of different sizes, possibly with
/// different inputs. Internally each input kind is one <see cref="InputTable"/>; each task's <see cref="TaskTargets"/>
/// cover the rows of its input table, with the rows of other tasks' sample sets marked unlabelled.
/// Build one with <see cref="MultitaskDatasetBuilder"/> or an adapter such as <see cref="Tabular.CsvTabularReader"/>.
/// </summary>
public sealed class MultitaskDataset
{
    private readonly Dictionary<string, InputTable> inputs;
    private readonly Dictionary<string, TaskTargets> targets;

    internal MultitaskDataset(IReadOnlyList<TaskDefinition> tasks, Dictionary<string, InputTable> inputs, Dictionary<string, TaskTargets> targets)
    {
        Tasks = tasks;
        this.inputs = inputs;
        this.targets = targets;
    }

    /// <summary>The tasks, in definition order.</summary>
    public IReadOnlyList<TaskDefinition> Tasks { get; }

    /// <summary>The input tables by name.</summary>
    public IReadOnlyDictionary<string, InputTable> Inputs => inputs;

    /// <summary>The targets of each task, by task name.</summary>
    public IReadOnlyDictionary<string, TaskTargets> Targets => targets;

    /// <summary>The total number of samples over all input tables.</summary>
    public int Count => inputs.Values.Sum(t => t.Count);

    /// <summary>The targets of a task.</summary>
    /// <param name="taskName">The task name.</param>
    /// <returns>The targets.</returns>
    /// <exception cref="KeyNotFoundException">No task has that name; the message lists the tasks.</exception>
    public TaskTargets GetTargets(string taskName) => targets.TryGetValue(taskName, out var t)
        ? t
        : throw new KeyNotFoundException($"The dataset has no task '{taskName}'. Tasks: {string.Join(", ", Tasks.Select(x => x.Name))}.");

    /// <summary>Keeps the given rows of each input table (the tables not named keep no rows).</summary>
    /// <param name="rowsByInput">Row indices per input name.</param>
    /// <returns>A new dataset; this one is unchanged.</returns>
    public MultitaskDataset SelectRows(IReadOnlyDictionary<string, int[]> rowsByInput)
    {
        ArgumentNullException.ThrowIfNull(rowsByInput);
        var newInputs = new Dictionary<string, InputTable>(StringComparer.Ordinal);
        foreach (var (name, table) in inputs)
        {
            var rows = rowsByInput.TryGetValue(name, out var r) ? r : [];
            foreach (var row in rows)
            {
                if ((uint)row >= (uint)table.Count)
                {
                    throw new ArgumentOutOfRangeException(nameof(rowsByInput), row, $"Input '{name}' has {table.Count} rows.");
                }
            }

            newInputs[name] = table.Select(rows);
        }

        var newTargets = targets.ToDictionary(
            kv => kv.Key,
            kv => kv.Value.Select(rowsByInput.TryGetValue(kv.Value.InputName, out var r) ? r : []),
            StringComparer.Ordinal);
        return new MultitaskDataset(Tasks, newInputs, newTargets);
    }

    /// <summary>Merges datasets with different tasks into one, for example a speech dataset and an image dataset made
    /// by different adapters. Tables with the same input name are appended; each task stays on its own rows.</summary>
    /// <param name="datasets">The datasets; no task may appear in two of them. (An array, not a params collection
    /// type, so that C# 12 callers on net8.0 can list them too.)</param>
    /// <returns>The merged dataset.</returns>
    /// <exception cref="ArgumentException">Two datasets share a task name, or same-named inputs differ in sample shape.</exception>
    public static MultitaskDataset Merge(params MultitaskDataset[] datasets)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        var builder = new MultitaskDatasetBuilder(datasets.SelectMany(d => d.Tasks));
        foreach (var dataset in datasets)
        {
            foreach (var table in dataset.Inputs.Values)
            {
                var labels = dataset.TasksOf(table.Name).ToDictionary(t => t.Name, t => LabelColumn.FromTargets(dataset.Targets[t.Name]), StringComparer.Ordinal);
                builder.AddSamples(table.Name, table.RawValues, table.RawShape, labels);
            }
        }

        return builder.Build();
    }

    /// <summary>The tasks labelled on an input table.</summary>
    /// <param name="inputName">The input name.</param>
    /// <returns>The tasks, in definition order.</returns>
    public IReadOnlyList<TaskDefinition> TasksOf(string inputName) =>
        Tasks.Where(t => targets[t.Name].InputName == inputName).ToArray();
}
