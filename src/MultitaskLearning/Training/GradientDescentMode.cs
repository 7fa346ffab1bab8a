namespace MultitaskLearning.Training;

/// <summary>How many samples each gradient step uses.</summary>
public enum GradientDescentMode
{
    /// <summary>Stochastic gradient descent: one sample per step (batch size 1).</summary>
    Stochastic,

    /// <summary>Mini-batch gradient descent with <see cref="TrainerOptions.BatchSize"/> samples per step.</summary>
    MiniBatch,

    /// <summary>Batch ("full-batch", BGD) gradient descent: every training sample in every step.</summary>
    FullBatch,
}
