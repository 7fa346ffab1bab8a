using MultitaskLearning.Data;
using MultitaskLearning.Models;

namespace MultitaskLearning.Training;

/// <summary>What a finished run hands to the model it becomes.</summary>
/// <param name="Network">The trained network (owned by the receiver).</param>
/// <param name="FeatureStatistics">Per-input preprocessing.</param>
/// <param name="TargetStatistics">Per-task target standardisation.</param>
/// <param name="History">The record of the run.</param>
internal sealed record TrainingResult(
    MultitaskNetwork Network,
    IReadOnlyDictionary<string, FeatureStatistics> FeatureStatistics,
    IReadOnlyDictionary<string, TargetStatistics> TargetStatistics,
    TrainingHistory History);
