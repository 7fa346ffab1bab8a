namespace MultitaskLearning.Training;

/// <summary>A change of the training threads by the contention guard (<see cref="TrainerOptions.Threads"/> = null).</summary>
/// <param name="Step">The number of steps taken when the switch happened.</param>
/// <param name="Threads">The thread count from then on.</param>
public sealed record ThreadSwitch(long Step, int Threads);
