namespace MultitaskLearning.Training;

/// <summary>Where a <see cref="ShardWindowScheduler"/> stands: the store, the window geometry, the pass over the
/// data, the window within the pass and the position within the window's row order. The orders themselves are not
/// saved: they follow from the seed, the pass and the window.</summary>
/// <param name="StoreId">The shard store's identifier.</param>
/// <param name="ShardsPerWindow">Shards per window (from the memory budget).</param>
/// <param name="Pass">Completed passes over the data.</param>
/// <param name="Window">The current window within the pass.</param>
/// <param name="Cursor">Rows of the current window already handed out.</param>
internal sealed record ShardPosition(string StoreId, int ShardsPerWindow, long Pass, int Window, int Cursor);
