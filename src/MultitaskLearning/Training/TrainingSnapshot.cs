namespace MultitaskLearning.Training;

/// <summary>
/// The training state a checkpoint holds besides the model's weights (stored as the checkpoint's JSON entry): counters,
/// random states, data order, strategy state, early stopping and the history so far. With the optimiser state and the
/// weights it is what a CPU run needs to continue exactly (CUDA generators are not saved).
/// </summary>
internal sealed record TrainingSnapshot
{
    /// <summary>The version of this layout; a reader refuses others.</summary>
    public const int CurrentFormatVersion = 1;

    public required int FormatVersion { get; init; }

    /// <summary>Epochs finished when the checkpoint was written.</summary>
    public required int CompletedEpochs { get; init; }

    /// <summary>Steps taken so far.</summary>
    public required long Steps { get; init; }

    /// <summary>The engine that wrote the checkpoint.</summary>
    public required TrainingEngine Engine { get; init; }

    /// <summary>The options that decide the run's results (<see cref="TrainingOptionsFingerprint"/>).</summary>
    public required IReadOnlyDictionary<string, string> Options { get; init; }

    /// <summary>The run's random source (data order, task sampling, randomised aggregators).</summary>
    public required ulong[] Random { get; init; }

    /// <summary>libtorch's CPU generator (dropout, randomised strategies on tensors), base64.</summary>
    public required string TorchRandom { get; init; }

    public required BatchSchedulerState Scheduler { get; init; }

    public required IReadOnlyDictionary<string, double[]> Weighting { get; init; }

    /// <summary>Values of learnable weighting parameters (GradNorm weights, uncertainty log-variances), <c>weighting/N</c>.</summary>
    public required IReadOnlyDictionary<string, float[]> WeightingParameters { get; init; }

    public required IReadOnlyDictionary<string, double[]> Aggregator { get; init; }

    public IReadOnlyDictionary<string, double[]>? Relationships { get; init; }

    /// <summary>The best monitored value so far, its epoch, and epochs since.</summary>
    public double? Best { get; init; }

    public required int BestEpoch { get; init; }

    public required int SinceBest { get; init; }

    /// <summary>Whether the checkpoint holds the best epoch's parameters (early stopping with restore-best).</summary>
    public required bool HasBestParameters { get; init; }

    public required IReadOnlyList<TrainingProgress> History { get; init; }

    public required IReadOnlyList<ThreadSwitch> ThreadSwitches { get; init; }
}
