namespace MultitaskLearning.Data;

/// <summary>What happens to missing (NaN) input features.</summary>
public enum MissingValuePolicy
{
    /// <summary>A missing feature is an error that names the input, row and feature.</summary>
    Error,

    /// <summary>Replace it by the feature's mean over the training rows (saved with the model).</summary>
    Mean,

    /// <summary>Replace it by the feature's median over the training rows (saved with the model).</summary>
    Median,
}
