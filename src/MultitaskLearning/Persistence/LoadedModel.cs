using MultitaskLearning.Data;
using MultitaskLearning.Models;

namespace MultitaskLearning.Persistence;

/// <summary>What a model file holds once read and validated: the network (owned by the receiver) and the
/// preprocessing statistics.</summary>
/// <param name="Network">The network with the file's weights, in eval mode.</param>
/// <param name="FeatureStatistics">Per-input feature preprocessing.</param>
/// <param name="TargetStatistics">Per-task regression target standardisation.</param>
internal sealed record LoadedModel(
    MultitaskNetwork Network,
    IReadOnlyDictionary<string, FeatureStatistics> FeatureStatistics,
    IReadOnlyDictionary<string, TargetStatistics> TargetStatistics);
