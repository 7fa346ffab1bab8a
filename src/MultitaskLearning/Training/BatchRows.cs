namespace MultitaskLearning.Training;

/// <summary>The rows of one input table that a step trains on: <c>Order[Start .. Start + Length)</c>.</summary>
/// <param name="Input">The index of the input table.</param>
/// <param name="Source">The scheduler's row source (an input, or a task when tasks are sampled).</param>
/// <param name="Order">The source's current row order; not to be changed.</param>
/// <param name="Start">The first position in <paramref name="Order"/>.</param>
/// <param name="Length">The number of rows.</param>
internal readonly record struct BatchRows(int Input, int Source, long[] Order, int Start, int Length);
