namespace MultitaskLearning.Training;

/// <summary>Where training is within an epoch, reported through <see cref="TrainerOptions.StepProgress"/> so that a
/// progress bar can move step by step and estimate the time left. What happened in a whole epoch (task losses,
/// validation) comes with <see cref="TrainingProgress"/> once the epoch ends.</summary>
public sealed record TrainingStepProgress
{
    /// <summary>The epoch, from 1.</summary>
    public required int Epoch { get; init; }

    /// <summary>The planned number of epochs.</summary>
    public required int Epochs { get; init; }

    /// <summary>The steps taken in this epoch, from 1 to <see cref="StepsPerEpoch"/>.</summary>
    public required int Step { get; init; }

    /// <summary>The steps of every epoch.</summary>
    public required int StepsPerEpoch { get; init; }

    /// <summary>Gradient steps taken so far in the run (those before a resumed checkpoint included), as
    /// <see cref="TrainingProgress.Steps"/> counts them.</summary>
    public required long Steps { get; init; }

    /// <summary>The steps of all planned epochs, <see cref="Epochs"/> × <see cref="StepsPerEpoch"/>; early stopping
    /// may end the run before.</summary>
    public required long PlannedSteps { get; init; }

    /// <summary>The mean weighted training loss of this epoch's steps so far; after the epoch's last step it equals the
    /// epoch's <see cref="TrainingProgress.TrainingLoss"/>.</summary>
    public required double TrainingLoss { get; init; }

    /// <summary>Time since training started, as <see cref="TrainingProgress.Elapsed"/> measures it.</summary>
    public required TimeSpan Elapsed { get; init; }
}
