namespace MultitaskLearning.Training;

/// <summary>The record of a training run.</summary>
/// <param name="Epochs">Every epoch's progress report.</param>
/// <param name="BestEpoch">The best epoch on the monitored quantity (the last epoch without validation data).</param>
/// <param name="StoppedEarly">Whether early stopping ended the run.</param>
/// <param name="TaskRelationships">Gradient similarities between tasks, when <see cref="TrainerOptions.RecordTaskRelationships"/> was on.</param>
public sealed record TrainingHistory(IReadOnlyList<TrainingProgress> Epochs, int BestEpoch, bool StoppedEarly, TaskRelationships? TaskRelationships = null)
{
    /// <summary>The engine that computed the steps (see <see cref="TrainerOptions.Engine"/>).</summary>
    public TrainingEngine Engine { get; init; } = TrainingEngine.Autograd;

    /// <summary>Thread-count changes by the contention guard, with the step at which each took effect (empty when
    /// <see cref="TrainerOptions.Threads"/> is set or nothing changed). libtorch can round differently per thread
    /// count, so a run with switches may differ in the last bits from one without.</summary>
    public IReadOnlyList<ThreadSwitch> ThreadSwitches { get; init; } = [];

    /// <summary>The checkpoint the run was resumed from, or <see langword="null"/>.</summary>
    public string? ResumedFrom { get; init; }
}
