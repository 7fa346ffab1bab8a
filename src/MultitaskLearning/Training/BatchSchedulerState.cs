namespace MultitaskLearning.Training;

/// <summary>Where a <see cref="BatchScheduler"/> stands: each source's current row order and position, and the next
/// task of round-robin sampling.</summary>
/// <param name="Orders">Each source's current order of rows (<see langword="null"/> before its first use).</param>
/// <param name="Cursors">Each source's position in its order.</param>
/// <param name="NextTask">The next task of round-robin sampling.</param>
internal sealed record BatchSchedulerState(long[]?[] Orders, int[] Cursors, int NextTask)
{
    /// <summary>The position in a shard store, when the run trains on one (then <see cref="Orders"/> and
    /// <see cref="Cursors"/> are empty).</summary>
    public ShardPosition? Shards { get; init; }
}
