using MultitaskLearning.Data.Shards;
using MultitaskLearning.Models;
using MultitaskLearning.Runtime;
using static TorchSharp.torch;

namespace MultitaskLearning.Training;

/// <summary>
/// Hands out the rows of a shard store window by window. Each pass over the data visits the shards in a new seeded
/// order (a last, shorter shard stays last, so every pass has the same windows' sizes and steps), loads
/// <see cref="ShardPosition.ShardsPerWindow"/> shards at a time into the prepared rows (<see cref="ShardWindow"/>)
/// and shuffles the window's rows with a generator seeded by (seed, pass, window); the next window is read in the
/// background meanwhile (<see cref="ShardWindow.Prefetch"/>). Without shuffling, shards and rows
/// come in store order. Every order follows from the seed and the position, so a checkpoint saves only the position.
/// </summary>
internal sealed class ShardWindowScheduler : IBatchSource
{
    private readonly ShardWindow window;
    private readonly ShardedDataset shards;
    private readonly int shardsPerWindow;
    private readonly long seed;
    private readonly bool shuffle;
    private readonly bool dropLast;
    private readonly int batch;
    private readonly Device device;
    private int[] shardOrder = [];
    private long pass;
    private int windowIndex;
    private int cursor;
    private long[]? order;
    private Tensor? orderTensor;

    public ShardWindowScheduler(ShardWindow window, ShardedDataset shards, int shardsPerWindow, TrainerOptions options, Device device)
    {
        this.window = window;
        this.shards = shards;
        this.shardsPerWindow = shardsPerWindow;
        this.device = device;
        seed = options.Seed;
        shuffle = options.Shuffle;
        dropLast = options.DropLastPartialBatch;
        batch = BatchScheduler.BatchSize(options, int.MaxValue);
        WindowCount = (shards.ShardCount + shardsPerWindow - 1) / shardsPerWindow;
        shardOrder = ShardOrder(0);
        StepsPerEpoch = Enumerable.Range(0, WindowCount).Sum(w => StepsOf(window.RowsOf(WindowShards(w))));
    }

    public int StepsPerEpoch { get; }

    /// <summary>Windows per pass.</summary>
    public int WindowCount { get; }

    public IReadOnlyList<string> TaskNames { get; } = [];

    public IReadOnlyList<double> Probabilities { get; } = [];

    public IReadOnlyList<(int Input, Tensor Rows)> Next()
    {
        var rows = NextRows()[0];
        if (orderTensor is null)
        {
            // The order outlives the step's dispose scope; the scheduler disposes it.
            orderTensor = tensor(order!, device: device).DetachFromDisposeScope();
        }

        return [(0, orderTensor.narrow(0, rows.Start, rows.Length))];
    }

    public IReadOnlyList<BatchRows> NextRows()
    {
        if (order is null)
        {
            Load();
        }
        else if (Exhausted())
        {
            cursor = 0;
            if (++windowIndex == WindowCount)
            {
                windowIndex = 0;
                pass++;
                shardOrder = ShardOrder(pass);
            }

            Load();
        }

        var length = Math.Min(batch, window.Rows - cursor);
        var taken = new BatchRows(0, 0, order!, cursor, length);
        cursor += length;
        return [taken];
    }

    public BatchSchedulerState SaveState() => new([], [], 0)
    {
        Shards = new ShardPosition(shards.Id, shardsPerWindow, pass, windowIndex, cursor),
    };

    public void RestoreState(BatchSchedulerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var position = state.Shards
            ?? throw new InvalidDataException("The checkpoint was written while training on in-memory data; resume it with the same MultitaskDataset, not a shard store.");
        if (position.StoreId != shards.Id)
        {
            throw new InvalidDataException($"The checkpoint was written while training on another shard store (id {position.StoreId}); this one ('{shards.Directory}') has id {shards.Id}. Resume with the same store.");
        }

        if (position.ShardsPerWindow != shardsPerWindow)
        {
            throw new InvalidDataException($"The checkpoint's windows held {position.ShardsPerWindow} shards; with this memory budget ({shards.MemoryBudget} bytes) they hold {shardsPerWindow}. Resume with the same memory budget.");
        }

        if (position.Pass < 0 || position.Window < 0 || position.Window >= WindowCount || position.Cursor < 0)
        {
            throw new InvalidDataException($"The saved position (pass {position.Pass}, window {position.Window}, row {position.Cursor}) is outside this store's {WindowCount} windows.");
        }

        pass = position.Pass;
        windowIndex = position.Window;
        shardOrder = ShardOrder(pass);
        Load();
        if (position.Cursor > window.Rows)
        {
            throw new InvalidDataException($"The saved position {position.Cursor} is outside window {position.Window}'s {window.Rows} rows.");
        }

        cursor = position.Cursor;
    }

    public void Dispose() => orderTensor?.Dispose();

    private bool Exhausted() => cursor >= window.Rows || (dropLast && window.Rows >= batch && cursor + batch > window.Rows);

    private int StepsOf(int rows) => dropLast && rows >= batch ? rows / batch : (rows + batch - 1) / batch;

    private int[] WindowShards(int w) => shardOrder.Skip(w * shardsPerWindow).Take(shardsPerWindow).ToArray();

    /// <summary>The shards in the order of pass <paramref name="p"/>.</summary>
    private int[] ShardOrder(long p)
    {
        var count = shards.ShardCount;
        var result = Enumerable.Range(0, count).ToArray();
        if (shuffle)
        {
            var full = shards.ShardRows[count - 1] == shards.RowsPerShard ? count : count - 1;
            new SeededRandom(Key(p, 0)).Shuffle(result.AsSpan(0, full));
        }

        return result;
    }

    /// <summary>Loads the current window and makes its row order.</summary>
    private void Load()
    {
        window.Load(WindowShards(windowIndex));
        if (WindowCount > 1)
        {
            window.Prefetch(windowIndex + 1 < WindowCount
                ? WindowShards(windowIndex + 1)
                : ShardOrder(pass + 1).Take(shardsPerWindow).ToArray());
        }
        order = new long[window.Rows];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        if (shuffle)
        {
            new SeededRandom(Key(pass, windowIndex + 1L)).Shuffle(order);
        }

        orderTensor?.Dispose();
        orderTensor = null;
    }

    /// <summary>A generator key for (seed, pass, slot); <see cref="SeededRandom"/> scrambles it.</summary>
    private long Key(long p, long slot) => unchecked((((seed * 1_000_003L) + p) * 1_000_003L) + slot);
}
