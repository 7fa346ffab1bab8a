namespace MultitaskLearning.Training.Aggregation;

/// <summary>What an aggregator may know about a step besides the gradients.</summary>
/// <param name="Random">The random source of randomised methods (a trainer passes its seeded generator).</param>
/// <param name="TaskLosses">The k task losses of the step (for loss-normalised methods), or <see langword="null"/>.</param>
/// <param name="TaskNames">The names of the k tasks (stateful methods key their state by task), or <see langword="null"/>
/// to key by row position.</param>
public sealed record AggregationContext(Random Random, IReadOnlyList<double>? TaskLosses = null, IReadOnlyList<string>? TaskNames = null);
