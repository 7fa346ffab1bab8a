using MultitaskLearning.Tasks;

namespace MultitaskLearning.Training;

/// <summary>What happened in one epoch, reported through <see cref="IProgress{T}"/>.</summary>
public sealed record TrainingProgress
{
    /// <summary>The epoch, from 1.</summary>
    public required int Epoch { get; init; }

    /// <summary>The planned number of epochs.</summary>
    public required int Epochs { get; init; }

    /// <summary>Gradient steps taken so far.</summary>
    public required long Steps { get; init; }

    /// <summary>The mean weighted training loss of the epoch's steps.</summary>
    public required double TrainingLoss { get; init; }

    /// <summary>Each task's mean training loss over the epoch (standardised units for regression).</summary>
    public required IReadOnlyDictionary<string, double> TaskTrainingLosses { get; init; }

    /// <summary>Each task's loss weight at the end of the epoch.</summary>
    public required IReadOnlyDictionary<string, double> TaskWeights { get; init; }

    /// <summary>The validation loss Σ_t α_t L_t, when there is validation data.</summary>
    public double? ValidationLoss { get; init; }

    /// <summary>Each task's validation metrics, when there is validation data.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<MetricKind, double>>? ValidationMetrics { get; init; }

    /// <summary>The value of the monitored quantity, when there is validation data.</summary>
    public double? MonitoredValue { get; init; }

    /// <summary>Whether this epoch is the best so far on the monitored quantity.</summary>
    public bool IsBest { get; init; }

    /// <summary>How steps chose their samples, and each sampled task's probability per step (empty for
    /// <see cref="TaskSampling.AllInputs"/>).</summary>
    public TaskSampling Sampling { get; init; }

    /// <summary>Each sampled task's probability per step (empty for <see cref="TaskSampling.AllInputs"/>).</summary>
    public IReadOnlyDictionary<string, double> SamplingProbabilities { get; init; } = new Dictionary<string, double>();

    /// <summary>The learning rate used in the epoch.</summary>
    public required double LearningRate { get; init; }

    /// <summary>Time since training started.</summary>
    public required TimeSpan Elapsed { get; init; }
}
