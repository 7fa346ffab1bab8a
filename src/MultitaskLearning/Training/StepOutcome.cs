namespace MultitaskLearning.Training;

/// <summary>What one step computed, before its update.</summary>
/// <param name="Losses">Each task's mean loss on the batch (0 for a task with no labelled row), in the trainer's task order.</param>
/// <param name="Counts">Each task's labelled rows in the batch.</param>
/// <param name="Total">The weighted total loss that was minimised.</param>
internal readonly record struct StepOutcome(float[] Losses, float[] Counts, double Total);
