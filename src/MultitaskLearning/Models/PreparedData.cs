using MultitaskLearning.Data;
using MultitaskLearning.Data.Shards;
using MultitaskLearning.Evaluation;
using MultitaskLearning.Models;
using MultitaskLearning.Tasks;
using static TorchSharp.torch;

namespace MultitaskLearning.Models;

/// <summary>A dataset checked against a model and turned into tensors once, so epochs only index into it.</summary>
internal sealed class PreparedData : IDisposable
{
    private readonly List<PreparedInput> inputs = [];

    private PreparedData(MultitaskDataset? dataset, IReadOnlyList<TaskDefinition> modelTasks)
    {
        Dataset = dataset;
        ModelTasks = modelTasks;
    }

    /// <summary>The data the rows come from; <see langword="null"/> for a window of a shard store, whose rows change.</summary>
    public MultitaskDataset? Dataset { get; }

    /// <summary>The model's tasks, in model order (the order of global loss vectors).</summary>
    public IReadOnlyList<TaskDefinition> ModelTasks { get; }

    public IReadOnlyList<PreparedInput> Inputs => inputs;

    public int Count => inputs.Sum(i => i.Count);

    /// <summary>Checks <paramref name="dataset"/> against the model and builds its tensors.</summary>
    public static PreparedData Create(
        MultitaskNetwork network,
        MultitaskDataset dataset,
        IReadOnlyDictionary<string, FeatureStatistics> featureStatistics,
        IReadOnlyDictionary<string, TargetStatistics> targetStatistics,
        string role)
    {
        var definition = network.Definition;
        CheckCompatible(
            definition,
            dataset.Tasks.Select(t => (t, dataset.Targets[t.Name].InputName)),
            dataset.Inputs.Values.Select(i => (i.Name, i.SampleShape)),
            role);
        var prepared = new PreparedData(dataset, definition.Tasks);
        try
        {
            foreach (var input in definition.Inputs)
            {
                if (!dataset.Inputs.TryGetValue(input.Name, out var table) || table.Count == 0)
                {
                    continue;
                }

                var layout = network.LayoutOf(input.Name);
                var values = new float[table.RawValues.Length];
                featureStatistics.TryGetValue(input.Name, out var stats);
                EncodeFeatures(input, stats, table.RawValues, values, row => $"{role} data, input '{input.Name}', row {row}");
                var columns = TargetColumns.Offsets(layout.Tasks);
                var targetWidth = columns[^1];
                var targets = new float[table.Count * targetWidth];
                var present = new float[table.Count * layout.Tasks.Count];
                for (var t = 0; t < layout.Tasks.Count; t++)
                {
                    var task = layout.Tasks[t];
                    if (dataset.Targets.TryGetValue(task.Name, out var taskTargets))
                    {
                        targetStatistics.TryGetValue(task.Name, out var scaling);
                        var labelled = System.Runtime.InteropServices.MemoryMarshal.AsBytes(taskTargets.RawPresent.AsSpan());
                        EncodeTask(new TaskColumns(t, columns[t], task.TargetWidth), targetWidth, layout.Tasks.Count, scaling, table.Count, taskTargets.RawValues, task.TargetWidth, 0, labelled, 1, 0, targets, present);
                    }
                }

                long[] shape = [table.Count, .. table.SampleShape.Select(d => (long)d)];
                var features = tensor(values, shape, device: network.Device);
                var targetTensor = tensor(targets, [table.Count, targetWidth], device: network.Device);
                var presentTensor = tensor(present, [table.Count, layout.Tasks.Count], device: network.Device);
                prepared.inputs.Add(new PreparedInput(input.Name, layout, table.Count, features, targetTensor, presentTensor, new TaskLossComputer(layout, network.Device)));
            }
        }
        catch
        {
            prepared.Dispose();
            throw;
        }

        return prepared;
    }

    /// <summary>Checks a shard store against the model and allocates prepared rows for <paramref name="capacity"/>
    /// samples of its input, all zero; <see cref="ShardWindow"/> fills them a window at a time.</summary>
    public static PreparedData CreateWindow(MultitaskNetwork network, ShardedDataset shards, int capacity)
    {
        var definition = network.Definition;
        CheckCompatible(definition, shards);
        var prepared = new PreparedData(null, definition.Tasks);
        var layout = network.LayoutOf(shards.InputName);
        long[] shape = [capacity, .. shards.SampleShape.Select(d => (long)d)];
        Tensor? features = null, targets = null;
        try
        {
            features = zeros(shape, device: network.Device);
            targets = zeros([capacity, TargetColumns.Offsets(layout.Tasks)[^1]], device: network.Device);
            var present = zeros([capacity, layout.Tasks.Count], device: network.Device);
            prepared.inputs.Add(new PreparedInput(shards.InputName, layout, capacity, features, targets, present, new TaskLossComputer(layout, network.Device)));
        }
        catch
        {
            features?.Dispose();
            targets?.Dispose();
            prepared.Dispose();
            throw;
        }

        return prepared;
    }

    /// <summary>Checks that a shard store fits the model as training data (its tasks and input are the model's).</summary>
    /// <exception cref="ArgumentException">It does not; the message lists every difference.</exception>
    public static void CheckCompatible(MultitaskModelDefinition definition, ShardedDataset shards) =>
        CheckCompatible(definition, shards.Tasks.Select(t => (t, shards.InputName)), [(shards.InputName, shards.SampleShape)], "Training");

    /// <summary>Copies raw samples into prepared rows and preprocesses them (missing values filled, then
    /// standardised): the one encoding of samples, for in-memory data and for windows of a shard store.</summary>
    /// <param name="input">The model's input.</param>
    /// <param name="stats">Its statistics (none: values are copied as they are).</param>
    /// <param name="raw">Row-major raw samples.</param>
    /// <param name="destination">As many values.</param>
    /// <param name="where">Names row i for an error message.</param>
    /// <exception cref="InvalidDataException">A value is missing and the input's policy is Error.</exception>
    internal static void EncodeFeatures(InputDefinition input, FeatureStatistics? stats, ReadOnlySpan<float> raw, Span<float> destination, Func<long, string> where)
    {
        raw.CopyTo(destination);
        if (input.MissingValues == MissingValuePolicy.Error)
        {
            for (var i = 0; i < destination.Length; i++)
            {
                if (float.IsNaN(destination[i]))
                {
                    throw new InvalidDataException($"{where(i / input.SampleSize)}, feature {i % input.SampleSize}: the value is missing (NaN) and the input's MissingValues policy is Error.");
                }
            }
        }

        stats?.ApplyInPlace(destination);
    }

    /// <summary>Writes one task's targets (regression targets standardised) and label mask into prepared rows, whose
    /// targets and masks must be zero where this task is unlabelled: the one encoding of targets.</summary>
    /// <param name="columns">The task's index in the input's layout, its first target column and its width.</param>
    /// <param name="targetStride">Prepared target columns per row (all the input's tasks).</param>
    /// <param name="maskStride">Prepared label masks per row (the input's tasks).</param>
    /// <param name="scaling">The task's target statistics, if standardised.</param>
    /// <param name="rows">The rows.</param>
    /// <param name="values">Raw targets: row i's at <c>i · valueStride + valueOffset</c>.</param>
    /// <param name="valueStride">Values per row in <paramref name="values"/>.</param>
    /// <param name="valueOffset">The task's first value in a row of <paramref name="values"/>.</param>
    /// <param name="labelled">Non-zero where the task is labelled: row i's at <c>i · labelledStride + labelledOffset</c>.</param>
    /// <param name="labelledStride">Bytes per row in <paramref name="labelled"/>.</param>
    /// <param name="labelledOffset">The task's byte in a row of <paramref name="labelled"/>.</param>
    /// <param name="targets">Prepared targets, [rows, Σ target widths].</param>
    /// <param name="present">Prepared masks, [rows, tasks of the input].</param>
    internal static void EncodeTask(
        TaskColumns columns, int targetStride, int maskStride, TargetStatistics? scaling, int rows,
        ReadOnlySpan<float> values, int valueStride, int valueOffset, ReadOnlySpan<byte> labelled, int labelledStride, int labelledOffset,
        Span<float> targets, Span<float> present)
    {
        for (var i = 0; i < rows; i++)
        {
            if (labelled[(i * labelledStride) + labelledOffset] == 0)
            {
                continue;
            }

            present[(i * maskStride) + columns.Task] = 1f;
            for (var j = 0; j < columns.Width; j++)
            {
                var v = values[(i * valueStride) + valueOffset + j];
                targets[(i * targetStride) + columns.Column + j] = scaling is null ? v : (v - scaling.Mean[j]) / scaling.Scale[j];
            }
        }
    }

    /// <summary>Runs the network over every row without gradients, in eval mode, and returns per-task predictions in
    /// original units next to the true targets, plus each task's mean loss over its labelled rows.</summary>
    public (IReadOnlyDictionary<string, TaskOutputs> Outputs, IReadOnlyDictionary<string, double> Losses) Run(
        MultitaskNetwork network,
        IReadOnlyDictionary<string, TargetStatistics> targetStatistics,
        int batchSize)
    {
        var wasTraining = network.training;
        network.eval();
        try
        {
            var outputs = new Dictionary<string, TaskOutputs>(StringComparer.Ordinal);
            var losses = new Dictionary<string, double>(StringComparer.Ordinal);
            using var noGrad = no_grad();
            foreach (var input in inputs)
            {
                var taskCount = input.Layout.Tasks.Count;
                var lossSums = new double[taskCount];
                var countSums = new double[taskCount];
                var all = new float[input.Count * input.Layout.TotalWidth];
                for (var start = 0; start < input.Count; start += batchSize)
                {
                    using var scope = NewDisposeScope();
                    var length = Math.Min(batchSize, input.Count - start);
                    var output = network.Forward(input.InputName, input.Features.narrow(0, start, length));
                    var (batchLosses, batchCounts) = input.LossComputer.Compute(output, input.Targets.narrow(0, start, length), input.Present.narrow(0, start, length));
                    var l = batchLosses.cpu().data<float>().ToArray();
                    var c = batchCounts.cpu().data<float>().ToArray();
                    for (var t = 0; t < taskCount; t++)
                    {
                        lossSums[t] += l[t] * c[t];
                        countSums[t] += c[t];
                    }

                    output.contiguous().cpu().data<float>().CopyTo(all, start * input.Layout.TotalWidth);
                }

                for (var t = 0; t < taskCount; t++)
                {
                    var task = input.Layout.Tasks[t];
                    losses[task.Name] = countSums[t] == 0 ? double.NaN : lossSums[t] / countSums[t];
                    if ((Dataset ?? throw new InvalidOperationException("A window of a shard store is not evaluated.")).Targets.TryGetValue(task.Name, out var taskTargets))
                    {
                        targetStatistics.TryGetValue(task.Name, out var scaling);
                        outputs[task.Name] = ExtractTask(task, taskTargets, all, input.Layout.TotalWidth, input.Layout.Offsets[t], scaling);
                    }
                }
            }

            return (outputs, losses);
        }
        finally
        {
            network.train(wasTraining);
        }
    }

    public void Dispose()
    {
        foreach (var input in inputs)
        {
            input.Dispose();
        }

        inputs.Clear();
    }

    /// <summary>Turns raw network outputs (logits or standardised values) into a task's scores in original units.</summary>
    internal static void ToScores(TaskDefinition task, ReadOnlySpan<float> raw, Span<float> scores, TargetStatistics? scaling)
    {
        switch (task.Kind)
        {
            case TaskKind.Multiclass:
                var max = float.NegativeInfinity;
                foreach (var v in raw)
                {
                    max = Math.Max(max, v);
                }

                double sum = 0;
                for (var c = 0; c < raw.Length; c++)
                {
                    scores[c] = MathF.Exp(raw[c] - max);
                    sum += scores[c];
                }

                for (var c = 0; c < raw.Length; c++)
                {
                    scores[c] = (float)(scores[c] / sum);
                }

                break;
            case TaskKind.Binary:
            case TaskKind.MultiLabel:
                for (var c = 0; c < raw.Length; c++)
                {
                    scores[c] = 1f / (1f + MathF.Exp(-raw[c]));
                }

                break;
            case TaskKind.Regression:
                for (var c = 0; c < raw.Length; c++)
                {
                    scores[c] = scaling is null ? raw[c] : (raw[c] * scaling.Scale[c]) + scaling.Mean[c];
                }

                break;
            default:
                throw new InvalidOperationException($"Task '{task.Name}' has an unknown kind {task.Kind}.");
        }
    }

    private static TaskOutputs ExtractTask(TaskDefinition task, TaskTargets taskTargets, float[] all, int totalWidth, int offset, TargetStatistics? scaling)
    {
        var rows = Enumerable.Range(0, taskTargets.Count).Where(i => taskTargets.RawPresent[i]).ToArray();
        var width = task.TargetWidth;
        var outputSize = task.OutputSize;
        var targets = new float[rows.Length * width];
        var scores = new float[rows.Length * outputSize];
        for (var r = 0; r < rows.Length; r++)
        {
            var row = rows[r];
            Array.Copy(taskTargets.RawValues, row * width, targets, r * width, width);
            ToScores(task, all.AsSpan((row * totalWidth) + offset, outputSize), scores.AsSpan(r * outputSize, outputSize), scaling);
        }

        return new TaskOutputs(task, rows, targets, scores);
    }

    private static void CheckCompatible(MultitaskModelDefinition definition, IEnumerable<(TaskDefinition Task, string Input)> tasks, IEnumerable<(string Name, IReadOnlyList<int> Shape)> inputs, string role)
    {
        var errors = new List<string>();
        foreach (var (task, input) in tasks)
        {
            TaskDefinition modelTask;
            try
            {
                modelTask = definition.GetTask(task.Name);
            }
            catch (KeyNotFoundException)
            {
                errors.Add($"task '{task.Name}' is not a task of the model ({string.Join(", ", definition.Tasks.Select(t => t.Name))})");
                continue;
            }

            if (modelTask.Kind != task.Kind || modelTask.OutputSize != task.OutputSize)
            {
                errors.Add($"task '{task.Name}' is {task.Kind} with {task.OutputSize} outputs in the data but {modelTask.Kind} with {modelTask.OutputSize} in the model");
            }
            else if (!Equals(modelTask.Vocabulary, task.Vocabulary))
            {
                errors.Add($"task '{task.Name}' has labels [{task.Vocabulary?.Describe()}] in the data but [{modelTask.Vocabulary?.Describe()}] in the model");
            }

            var modelInput = definition.InputOf(task.Name);
            if (modelInput.Name != input)
            {
                errors.Add($"task '{task.Name}' reads input '{input}' in the data but '{modelInput.Name}' in the model");
            }
        }

        foreach (var (name, shape) in inputs)
        {
            var modelInput = definition.Inputs.FirstOrDefault(i => i.Name == name);
            if (modelInput is null)
            {
                errors.Add($"input '{name}' is not an input of the model ({string.Join(", ", definition.Inputs.Select(i => i.Name))})");
            }
            else if (!modelInput.SampleShape.SequenceEqual(shape))
            {
                errors.Add($"input '{name}' has samples of shape [{string.Join(", ", shape)}] but the model expects [{string.Join(", ", modelInput.SampleShape)}]");
            }
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException($"The {role.ToLowerInvariant()} data does not fit the model: {string.Join("; ", errors)}.");
        }
    }
}
