using static TorchSharp.torch;

namespace MultitaskLearning.Training;

/// <summary>Hands the engines the rows of each step: <see cref="BatchScheduler"/> for in-memory data,
/// <see cref="ShardWindowScheduler"/> for a shard store.</summary>
internal interface IBatchSource : IDisposable
{
    /// <summary>Steps in one pass over the data.</summary>
    int StepsPerEpoch { get; }

    /// <summary>The tasks that are sampled (empty when every step reads every input).</summary>
    IReadOnlyList<string> TaskNames { get; }

    /// <summary>Each sampled task's probability per step.</summary>
    IReadOnlyList<double> Probabilities { get; }

    /// <summary>The (input, rows) pairs of the next step; the row tensors are views that belong to the current dispose scope.</summary>
    IReadOnlyList<(int Input, Tensor Rows)> Next();

    /// <summary>The rows of the next step as ranges of host-side row orders; no tensor is created.</summary>
    IReadOnlyList<BatchRows> NextRows();

    /// <summary>Where the source stands, for a checkpoint.</summary>
    BatchSchedulerState SaveState();

    /// <summary>Continues from a state saved by the same kind of source on the same data and options.</summary>
    /// <exception cref="InvalidDataException">The state does not fit this data.</exception>
    void RestoreState(BatchSchedulerState state);
}
