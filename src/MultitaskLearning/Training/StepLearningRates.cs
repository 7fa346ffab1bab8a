namespace MultitaskLearning.Training;

/// <summary>The learning rates of one step.</summary>
/// <param name="TaskSpecific">For task parameters and learnable weightings: the schedule's rate.</param>
/// <param name="Shared">For shared parameters: the schedule's rate × <see cref="TrainerOptions.SharedLearningRateFactor"/>.</param>
internal readonly record struct StepLearningRates(double TaskSpecific, double Shared);
