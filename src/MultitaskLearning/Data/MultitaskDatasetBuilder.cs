using MultitaskLearning.Tasks;

namespace MultitaskLearning.Data;

/// <summary>
/// Assembles a <see cref="MultitaskDataset"/> from blocks of samples. Each block has one input kind and labels for any
/// of the tasks; blocks with the same input name are appended to one table, and a task not labelled in a block is
/// missing (masked) on that block's rows.
/// </summary>
/// <example>
/// <code>
/// var data = new MultitaskDatasetBuilder([digit, parity])
///     .AddSamples("pixels", images, new Dictionary&lt;string, LabelColumn&gt;
///     {
///         ["digit"] = LabelColumn.FromClassIndices(digits),
///         ["parity"] = LabelColumn.FromLabels(parities),
///     })
///     .Build();
/// </code>
/// </example>
public sealed class MultitaskDatasetBuilder
{
    private readonly TaskDefinition[] tasks;
    private readonly Dictionary<string, TaskDefinition> tasksByName;
    private readonly Dictionary<string, InputAccumulator> inputs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> inputOfTask = new(StringComparer.Ordinal);

    /// <summary>Starts a dataset for the given tasks.</summary>
    /// <param name="tasks">The tasks, with unique names.</param>
    /// <exception cref="ArgumentException">The list is empty or two tasks share a name.</exception>
    public MultitaskDatasetBuilder(IEnumerable<TaskDefinition> tasks)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        this.tasks = tasks.ToArray();
        tasksByName = IndexTasks(this.tasks, "A multitask dataset");
    }

    /// <summary>Adds a block of feature vectors with their labels.</summary>
    /// <param name="inputName">The input kind (the model has one encoder per input name).</param>
    /// <param name="features">One row per sample. NaN marks a missing feature (allowed only with an imputation policy).</param>
    /// <param name="labels">Labels per task name; each column has one entry per row.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">See <see cref="AddSamples(string, float[], int[], IReadOnlyDictionary{string, LabelColumn})"/>.</exception>
    /// <exception cref="KeyNotFoundException">A label name is not in its task's vocabulary.</exception>
    /// <exception cref="InvalidOperationException">The labels' form does not fit the task's kind.</exception>
    public MultitaskDatasetBuilder AddSamples(string inputName, float[,] features, IReadOnlyDictionary<string, LabelColumn> labels)
    {
        ArgumentNullException.ThrowIfNull(features);
        int rows = features.GetLength(0), columns = features.GetLength(1);
        var flat = new float[rows * columns];
        Buffer.BlockCopy(features, 0, flat, 0, flat.Length * sizeof(float));
        return AddSamples(inputName, flat, [columns], labels);
    }

    /// <summary>Adds a block of samples of any shape with their labels.</summary>
    /// <param name="inputName">The input kind.</param>
    /// <param name="values">Row-major values: sample i occupies [i·size, (i+1)·size), size = product of <paramref name="sampleShape"/>.</param>
    /// <param name="sampleShape">The shape of one sample, for example [1, 28, 28].</param>
    /// <param name="labels">Labels per task name; each column has one entry per sample.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">The shape does not fit the values, a value is infinite, the labels name an unknown
    /// task or have the wrong count, a class index is out of range, or a target is infinite or outside the float32 range;
    /// the message names the input or task and the sample.</exception>
    /// <exception cref="KeyNotFoundException">A label name is not in its task's vocabulary; the message names the task, the
    /// sample and the vocabulary.</exception>
    /// <exception cref="InvalidOperationException">The labels' form does not fit the task's kind (for example label sets for a
    /// multiclass task).</exception>
    public MultitaskDatasetBuilder AddSamples(string inputName, float[] values, int[] sampleShape, IReadOnlyDictionary<string, LabelColumn> labels)
    {
        var (count, resolved) = ResolveBlock(inputName, values, sampleShape, labels, tasksByName, tasks);
        if (!inputs.TryGetValue(inputName, out var accumulator))
        {
            accumulator = new InputAccumulator(inputName, sampleShape);
            inputs[inputName] = accumulator;
        }
        else if (!accumulator.Shape.SequenceEqual(sampleShape))
        {
            throw new ArgumentException(
                $"Input '{inputName}': this block's sample shape [{string.Join(", ", sampleShape)}] differs from earlier blocks' [{string.Join(", ", accumulator.Shape)}].",
                nameof(sampleShape));
        }

        foreach (var (taskName, _, _) in resolved)
        {
            if (inputOfTask.TryGetValue(taskName, out var otherInput) && otherInput != inputName)
            {
                throw new ArgumentException(
                    $"Task '{taskName}' is already labelled on input '{otherInput}'; a task reads exactly one input (got '{inputName}').",
                    nameof(labels));
            }
        }

        resolved.ForEach(r => inputOfTask[r.Task] = inputName);

        accumulator.Append(values, count, resolved);
        return this;
    }

    /// <summary>Checks that the dataset has samples and that every task has at least one labelled sample, and builds the
    /// dataset. Tasks may be labelled on different samples and different inputs (per-task sample sets).</summary>
    /// <returns>The dataset.</returns>
    /// <exception cref="InvalidOperationException">No samples were added (or only empty blocks), a task has no labels in any
    /// block, or every label of a task is missing; the message names the task.</exception>
    public MultitaskDataset Build()
    {
        if (inputs.Count == 0)
        {
            throw new InvalidOperationException("No samples were added to the dataset.");
        }

        var unlabelled = tasks.Where(t => !inputOfTask.ContainsKey(t.Name)).Select(t => t.Name).ToArray();
        if (unlabelled.Length > 0)
        {
            throw new InvalidOperationException(
                $"Task(s) {string.Join(", ", unlabelled)} have no labels in any block; add labels or leave them out of the task list.");
        }

        if (inputs.Values.All(i => i.Rows == 0))
        {
            throw new InvalidOperationException(
                $"The dataset has no samples: every block added (input(s) {string.Join(", ", inputs.Keys)}) was empty.");
        }

        var tables = inputs.ToDictionary(kv => kv.Key, kv => kv.Value.ToTable(), StringComparer.Ordinal);
        var targets = new Dictionary<string, TaskTargets>(StringComparer.Ordinal);
        foreach (var task in tasks)
        {
            var input = inputOfTask[task.Name];
            var (values, present) = inputs[input].TargetsOf(task);
            // A task without a labelled row is valid here (a validation or test split may have none); the trainer
            // refuses to train one.
            targets[task.Name] = new TaskTargets(task, input, values, present);
        }

        return new MultitaskDataset(tasks, tables, targets);
    }

    /// <summary>Checks a block of samples and resolves its labels against the tasks — what every writer of samples
    /// (this builder, <see cref="Shards.ShardedDatasetWriter"/>) checks.</summary>
    /// <returns>The number of samples and each labelled task's target values and label mask.</returns>
    internal static (int Count, List<(string Task, float[] Values, bool[] Present)> Labels) ResolveBlock(
        string inputName, float[] values, int[] sampleShape, IReadOnlyDictionary<string, LabelColumn> labels,
        IReadOnlyDictionary<string, TaskDefinition> tasksByName, IReadOnlyList<TaskDefinition> tasks)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(inputName);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(sampleShape);
        ArgumentNullException.ThrowIfNull(labels);
        CheckSampleShape(inputName, sampleShape);

        var sampleSize = sampleShape.Aggregate(1, (a, b) => checked(a * b));
        if (values.Length % sampleSize != 0)
        {
            throw new ArgumentException(
                $"Input '{inputName}': {values.Length} values are not a whole number of samples of shape [{string.Join(", ", sampleShape)}] ({sampleSize} values each).",
                nameof(values));
        }

        var count = values.Length / sampleSize;
        for (var i = 0; i < values.Length; i++)
        {
            if (float.IsInfinity(values[i]))
            {
                throw new ArgumentException($"Input '{inputName}', sample {i / sampleSize}, value {i % sampleSize}: the value is infinite.", nameof(values));
            }
        }

        var resolved = new List<(string Task, float[] Values, bool[] Present)>();
        foreach (var (taskName, column) in labels)
        {
            if (!tasksByName.TryGetValue(taskName, out var task))
            {
                throw new ArgumentException(
                    $"Labels were given for task '{taskName}', which is not one of the dataset's tasks ({string.Join(", ", tasks.Select(t => t.Name))}).",
                    nameof(labels));
            }

            if (column.Count != count)
            {
                throw new ArgumentException(
                    $"Task '{taskName}': {column.Count} labels were given for {count} samples of input '{inputName}'.", nameof(labels));
            }

            column.Resolve(task, out var taskValues, out var present);
            resolved.Add((taskName, taskValues, present));
        }

        return (count, resolved);
    }

    /// <summary>The tasks by name, after checking that there is at least one and that names are unique.</summary>
    /// <param name="tasks">The tasks.</param>
    /// <param name="what">What needs them, for the message ("A multitask dataset").</param>
    internal static Dictionary<string, TaskDefinition> IndexTasks(TaskDefinition[] tasks, string what)
    {
        if (tasks.Length == 0)
        {
            throw new ArgumentException($"{what} needs at least one task.", nameof(tasks));
        }

        var byName = new Dictionary<string, TaskDefinition>(StringComparer.Ordinal);
        foreach (var task in tasks)
        {
            if (!byName.TryAdd(task.Name, task))
            {
                throw new ArgumentException($"Two tasks are named '{task.Name}'; task names must be unique.", nameof(tasks));
            }
        }

        return byName;
    }

    /// <summary>Checks that a sample shape has dimensions, all positive.</summary>
    internal static void CheckSampleShape(string inputName, int[] sampleShape)
    {
        if (sampleShape.Length == 0 || sampleShape.Any(d => d <= 0))
        {
            throw new ArgumentException($"Input '{inputName}': sample shape [{string.Join(", ", sampleShape)}] must have positive dimensions.", nameof(sampleShape));
        }
    }

    private sealed class InputAccumulator(string name, int[] shape)
    {
        private readonly List<float[]> blocks = [];
        private readonly List<(int Start, int Count, Dictionary<string, (float[] Values, bool[] Present)> Labels)> labelBlocks = [];
        private int rows;

        public int[] Shape { get; } = shape;

        public int Rows => rows;

        public void Append(float[] values, int count, List<(string Task, float[] Values, bool[] Present)> labels)
        {
            blocks.Add(values);
            labelBlocks.Add((rows, count, labels.ToDictionary(l => l.Task, l => (l.Values, l.Present), StringComparer.Ordinal)));
            rows += count;
        }

        public InputTable ToTable()
        {
            var all = new float[blocks.Sum(b => b.Length)];
            var offset = 0;
            foreach (var block in blocks)
            {
                block.CopyTo(all, offset);
                offset += block.Length;
            }

            return new InputTable(name, Shape, all);
        }

        public (float[] Values, bool[] Present) TargetsOf(TaskDefinition task)
        {
            var width = task.TargetWidth;
            var values = new float[rows * width];
            Array.Fill(values, float.NaN);
            var present = new bool[rows];
            foreach (var (start, count, labels) in labelBlocks)
            {
                if (labels.TryGetValue(task.Name, out var block))
                {
                    Array.Copy(block.Values, 0, values, start * width, count * width);
                    Array.Copy(block.Present, 0, present, start, count);
                }
            }

            return (values, present);
        }
    }
}
