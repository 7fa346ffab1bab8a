using MultitaskLearning.Data;
using MultitaskLearning.Models;

namespace MultitaskLearning.Persistence;

/// <summary>What a model file holds once read and validated: the network (owned by the receiver) and the
/// preprocessing statistics.</summary>
/// <param name="Network">The network with the file's weights, in eval mode.</param>
/// <param name="FeatureStatistics">Per-input feature preprocessing.</param>
/// <param name="TargetStatistics">Per-task regression target standardisation.</param>
/// <param name="ExtraEntries">The file's other entries (a checkpoint's <c>training/*</c>), verified by the same digest.</param>
internal sealed record LoadedModel(
    MultitaskNetwork Network,
    IReadOnlyDictionary<string, FeatureStatistics> FeatureStatistics,
    IReadOnlyDictionary<string, TargetStatistics> TargetStatistics,
    IReadOnlyDictionary<string, byte[]> ExtraEntries);
