namespace MultitaskLearning.Training;

/// <summary>How the learning rate changes over epochs.</summary>
public enum LearningRateSchedule
{
    /// <summary>The same learning rate every epoch.</summary>
    Constant,

    /// <summary>Multiply by <see cref="TrainerOptions.StepGamma"/> every <see cref="TrainerOptions.StepSize"/> epochs.</summary>
    Step,

    /// <summary>Cosine annealing from the learning rate to <see cref="TrainerOptions.MinimumLearningRate"/> over all epochs.</summary>
    Cosine,
}
