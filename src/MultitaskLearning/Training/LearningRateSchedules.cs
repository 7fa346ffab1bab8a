namespace MultitaskLearning.Training;

/// <summary>The one place the learning rate of an epoch is computed; both engines and the progress reports use it.</summary>
internal static class LearningRateSchedules
{
    /// <summary>The learning rate of the epoch that follows <paramref name="completedEpochs"/> finished epochs.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The schedule is not a known <see cref="LearningRateSchedule"/>.</exception>
    public static double ForEpoch(TrainerOptions options, int completedEpochs) => options.Schedule switch
    {
        LearningRateSchedule.Constant => options.LearningRate,
        LearningRateSchedule.Step => options.LearningRate * Math.Pow(options.StepGamma, completedEpochs / options.StepSize),
        LearningRateSchedule.Cosine => options.MinimumLearningRate
            + ((options.LearningRate - options.MinimumLearningRate) * (1 + Math.Cos(Math.PI * completedEpochs / options.Epochs)) / 2),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Schedule, "Unknown learning-rate schedule."),
    };

    /// <summary>The step learning rates of that epoch.</summary>
    public static StepLearningRates Rates(TrainerOptions options, int completedEpochs)
    {
        var rate = ForEpoch(options, completedEpochs);
        return new StepLearningRates(rate, rate * options.SharedLearningRateFactor);
    }
}
