using static TorchSharp.torch;

namespace MultitaskLearning.Training.Weighting;

/// <summary>The result of combining per-task losses.</summary>
/// <param name="Total">The scalar loss to minimise (it may include terms of the weighting's own parameters).</param>
/// <param name="TaskWeights">A detached vector [T] of ∂Total/∂L_t, the effective weight of each task's loss this step.</param>
public sealed record WeightedLoss(Tensor Total, Tensor TaskWeights);
