namespace MultitaskLearning.Training;

/// <summary>The record of a training run.</summary>
/// <param name="Epochs">Every epoch's progress report.</param>
/// <param name="BestEpoch">The best epoch on the monitored quantity (the last epoch without validation data).</param>
/// <param name="StoppedEarly">Whether early stopping ended the run.</param>
/// <param name="TaskRelationships">Gradient similarities between tasks, when <see cref="TrainerOptions.RecordTaskRelationships"/> was on.</param>
public sealed record TrainingHistory(IReadOnlyList<TrainingProgress> Epochs, int BestEpoch, bool StoppedEarly, TaskRelationships? TaskRelationships = null);
