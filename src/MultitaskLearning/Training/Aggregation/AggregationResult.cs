using static TorchSharp.torch;

namespace MultitaskLearning.Training.Aggregation;

/// <summary>The combined gradient of an aggregation step.</summary>
/// <param name="Gradient">The combined gradient [d], a new tensor the caller owns (or the current dispose scope collects).</param>
/// <param name="TaskWeights">When the result is a linear combination Σ_t w_t g_t of the task gradients, the w_t; else <see langword="null"/>.</param>
public sealed record AggregationResult(Tensor Gradient, IReadOnlyList<double>? TaskWeights);
