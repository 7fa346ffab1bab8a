namespace MultitaskLearning.Training;

/// <summary>Where the per-task gradients given to a gradient aggregator are taken.</summary>
public enum AggregationSpace
{
    /// <summary>With respect to the shared parameters: exact, one backward pass through the shared layers per task.</summary>
    SharedParameters,

    /// <summary>With respect to the shared representation (the trunk's output): one backward pass through the shared
    /// layers in all. Only for aggregators that output task weights, such as MGDA (its upper bound, MGDA-UB).</summary>
    SharedRepresentation,
}
