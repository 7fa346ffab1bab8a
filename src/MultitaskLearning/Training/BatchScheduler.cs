using MultitaskLearning.Models;
using static TorchSharp.torch;

namespace MultitaskLearning.Training;

/// <summary>
/// Decides which rows of which input tables each step trains on (see <see cref="TaskSampling"/>). It owns the shuffled
/// row orders (one tensor per input or task, replaced when used up) and hands out views of them.
/// </summary>
internal sealed class BatchScheduler : IBatchSource
{
    private readonly PreparedData data;
    private readonly TaskSampling sampling;
    private readonly Random random;
    private readonly int[] batchSizes;
    private readonly Tensor?[] orders;
    private readonly long[]?[] hostOrders;
    private readonly long[]?[] tensorSources;
    private readonly int[] cursors;
    private readonly bool shuffle;
    private readonly bool dropLast;
    private readonly long[][] taskRows = [];
    private readonly int[] taskInput = [];
    private readonly double[] cumulative = [];
    private int nextTask;

    public BatchScheduler(PreparedData data, TrainerOptions options, Random random)
    {
        this.data = data;
        sampling = options.TaskSampling;
        this.random = random;
        shuffle = options.Shuffle;
        dropLast = options.DropLastPartialBatch;
        batchSizes = data.Inputs.Select(i => BatchSize(options, i.Count)).ToArray();
        if (sampling == TaskSampling.AllInputs)
        {
            orders = new Tensor?[data.Inputs.Count];
            hostOrders = new long[]?[data.Inputs.Count];
            tensorSources = new long[]?[data.Inputs.Count];
            cursors = new int[data.Inputs.Count];
            StepsPerEpoch = data.Inputs.Select((input, k) => dropLast ? Math.Max(1, input.Count / batchSizes[k]) : (input.Count + batchSizes[k] - 1) / batchSizes[k]).Max();
            return;
        }

        // One source per task with labelled rows: its rows in its input table.
        var sources = new List<(int Input, long[] Rows, string Task)>();
        for (var k = 0; k < data.Inputs.Count; k++)
        {
            var input = data.Inputs[k];
            for (var t = 0; t < input.Layout.Tasks.Count; t++)
            {
                var task = input.Layout.Tasks[t].Name;
                if (data.Dataset!.Targets.TryGetValue(task, out var targets) && targets.LabelledCount > 0)
                {
                    var rows = Enumerable.Range(0, targets.Count).Where(i => targets.RawPresent[i]).Select(i => (long)i).ToArray();
                    sources.Add((k, rows, task));
                }
            }
        }

        taskRows = sources.Select(s => s.Rows).ToArray();
        taskInput = sources.Select(s => s.Input).ToArray();
        TaskNames = sources.Select(s => s.Task).ToArray();
        orders = new Tensor?[sources.Count];
        hostOrders = new long[]?[sources.Count];
        tensorSources = new long[]?[sources.Count];
        cursors = new int[sources.Count];
        var exponent = sampling switch
        {
            TaskSampling.Proportional => 1.0,
            TaskSampling.Temperature => 1.0 / options.SamplingTemperature,
            TaskSampling.RoundRobin => 0.0,
            _ => throw new ArgumentOutOfRangeException(nameof(options), sampling, "Unknown task sampling."),
        };
        var weights = taskRows.Select(r => Math.Pow(r.Length, exponent)).ToArray();
        Probabilities = weights.Select(w => w / weights.Sum()).ToArray();
        cumulative = new double[Probabilities.Count];
        double sum = 0;
        for (var i = 0; i < cumulative.Length; i++)
        {
            sum += Probabilities[i];
            cumulative[i] = sum;
        }

        var batch = batchSizes.Max();
        var rowCount = taskRows.Sum(r => (double)r.Length);
        StepsPerEpoch = Math.Max(1, (int)(dropLast ? Math.Floor(rowCount / batch) : Math.Ceiling(rowCount / batch)));
    }

    public int StepsPerEpoch { get; }

    /// <summary>The rows per step of an input table with <paramref name="count"/> rows, by <see cref="TrainerOptions.Mode"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The mode is unknown.</exception>
    public static int BatchSize(TrainerOptions options, int count) => options.Mode switch
    {
        GradientDescentMode.Stochastic => 1,
        GradientDescentMode.FullBatch => count,
        GradientDescentMode.MiniBatch => Math.Min(options.BatchSize, count),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Mode, "Unknown gradient-descent mode."),
    };

    /// <summary>The tasks that are sampled (empty for <see cref="TaskSampling.AllInputs"/>).</summary>
    public IReadOnlyList<string> TaskNames { get; } = [];

    /// <summary>Each sampled task's probability per step.</summary>
    public IReadOnlyList<double> Probabilities { get; } = [];

    /// <summary>The (input, rows) pairs of the next step; the row tensors are views that belong to the current dispose scope.</summary>
    public IReadOnlyList<(int Input, Tensor Rows)> Next()
    {
        var rows = NextRows();
        var batches = new (int, Tensor)[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var source = rows[i].Source;
            if (!ReferenceEquals(tensorSources[source], rows[i].Order))
            {
                orders[source]?.Dispose();
                // The order outlives the step's dispose scope; the scheduler disposes it.
                orders[source] = tensor(rows[i].Order, device: data.Inputs[0].Features.device).DetachFromDisposeScope();
                tensorSources[source] = rows[i].Order;
            }

            batches[i] = (rows[i].Input, orders[source]!.narrow(0, rows[i].Start, rows[i].Length));
        }

        return batches;
    }

    /// <summary>The rows of the next step as ranges of host-side row orders; no tensor is created.</summary>
    public IReadOnlyList<BatchRows> NextRows()
    {
        if (sampling == TaskSampling.AllInputs)
        {
            var batches = new BatchRows[data.Inputs.Count];
            for (var k = 0; k < data.Inputs.Count; k++)
            {
                batches[k] = Take(k, k, data.Inputs[k].Count, batchSizes[k], () => Enumerable.Range(0, data.Inputs[k].Count).Select(i => (long)i).ToArray());
            }

            return batches;
        }

        int task;
        if (sampling == TaskSampling.RoundRobin)
        {
            task = nextTask;
            nextTask = (nextTask + 1) % taskRows.Length;
        }
        else
        {
            var u = random.NextDouble();
            task = Array.FindIndex(cumulative, c => u < c);
            task = task < 0 ? cumulative.Length - 1 : task;
        }

        var input = taskInput[task];
        return [Take(task, input, taskRows[task].Length, batchSizes[input], () => (long[])taskRows[task].Clone())];
    }

    /// <summary>Where every source's order stands, for a checkpoint.</summary>
    public BatchSchedulerState SaveState() => new(
        hostOrders.Select(o => o is null ? null : (long[])o.Clone()).ToArray(),
        (int[])cursors.Clone(),
        nextTask);

    /// <summary>Continues from a state saved with <see cref="SaveState"/> on the same data and options.</summary>
    /// <exception cref="InvalidDataException">The state does not fit this data.</exception>
    public void RestoreState(BatchSchedulerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Shards is not null)
        {
            throw new InvalidDataException("The checkpoint was written while training on a shard store; resume it with the same ShardedDataset.");
        }

        if (state.Orders.Length != hostOrders.Length || state.Cursors.Length != cursors.Length)
        {
            throw new InvalidDataException($"The saved data order has {state.Orders.Length} sources; this run's data has {hostOrders.Length}. Resume with the same data and options.");
        }

        for (var i = 0; i < hostOrders.Length; i++)
        {
            var rows = sampling == TaskSampling.AllInputs ? data.Inputs[i].Count : data.Inputs[taskInput[i]].Count;
            var length = sampling == TaskSampling.AllInputs ? rows : taskRows[i].Length;
            if (state.Orders[i] is { } order && (order.Length != length || order.Any(row => row < 0 || row >= rows)))
            {
                throw new InvalidDataException($"The saved data order of source {i} does not fit this run's data ({length} rows of {rows}). Resume with the same data.");
            }

            if (state.Cursors[i] < 0 || state.Cursors[i] > length)
            {
                throw new InvalidDataException($"The saved position {state.Cursors[i]} of source {i} is outside its {length} rows. Resume with the same data.");
            }

            hostOrders[i] = state.Orders[i] is { } saved ? (long[])saved.Clone() : null;
            orders[i]?.Dispose();
            orders[i] = null;
            tensorSources[i] = null;
        }

        if (taskRows.Length > 0 && (state.NextTask < 0 || state.NextTask >= taskRows.Length))
        {
            throw new InvalidDataException($"The saved round-robin position {state.NextTask} is outside the {taskRows.Length} sampled tasks.");
        }

        Array.Copy(state.Cursors, cursors, cursors.Length);
        nextTask = state.NextTask;
    }

    public void Dispose()
    {
        foreach (var order in orders)
        {
            order?.Dispose();
        }
    }

    /// <summary>The next <paramref name="batch"/> rows of source <paramref name="source"/>'s order. A new order is made
    /// (shuffled, when shuffling) once the current one is used up, or once less than a whole batch is left when partial
    /// batches are dropped.</summary>
    private BatchRows Take(int source, int input, int count, int batch, Func<long[]> rows)
    {
        var exhausted = cursors[source] >= count || (dropLast && count >= batch && cursors[source] + batch > count);
        if (hostOrders[source] is null || (exhausted && shuffle))
        {
            var order = rows();
            if (shuffle)
            {
                random.Shuffle(order);
            }

            hostOrders[source] = order;
        }

        if (exhausted)
        {
            cursors[source] = 0;
        }

        var length = Math.Min(batch, count - cursors[source]);
        var taken = new BatchRows(input, source, hostOrders[source]!, cursors[source], length);
        cursors[source] += length;
        return taken;
    }
}
