namespace MultitaskLearning.Training;

/// <summary>A task's loss became NaN or infinite during training.</summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TrainingDivergedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public TrainingDivergedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public TrainingDivergedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a task, epoch and step.</summary>
    /// <param name="taskName">The task whose loss diverged.</param>
    /// <param name="epoch">The epoch (from 1).</param>
    /// <param name="step">The step within the epoch (from 1).</param>
    /// <param name="loss">The loss value.</param>
    public TrainingDivergedException(string taskName, int epoch, int step, double loss)
        : base($"Training diverged: task '{taskName}' has loss {loss} at epoch {epoch}, step {step}. Lower the learning rate, clip gradients (GradientClipNorm) or check the data for extreme values.")
    {
        TaskName = taskName;
        Epoch = epoch;
        Step = step;
    }

    /// <summary>The task whose loss diverged.</summary>
    public string? TaskName { get; }

    /// <summary>The epoch (from 1).</summary>
    public int Epoch { get; }

    /// <summary>The step within the epoch (from 1).</summary>
    public int Step { get; }
}
