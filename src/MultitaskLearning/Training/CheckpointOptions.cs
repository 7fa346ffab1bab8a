namespace MultitaskLearning.Training;

/// <summary>Saves the model during training (atomically: a checkpoint is never half-written).</summary>
public sealed class CheckpointOptions
{
    /// <summary>Creates checkpoint options.</summary>
    /// <param name="directory">The folder for checkpoint files (created when missing).</param>
    public CheckpointOptions(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = directory;
    }

    /// <summary>The folder: <c>epoch-NNNN.mtl</c> every <see cref="EveryEpochs"/> epochs, <c>best.mtl</c> at every improvement
    /// of the monitored metric, <c>last.mtl</c> at the end.</summary>
    public string Directory { get; }

    /// <summary>Save every this many epochs; 0 saves only best and last.</summary>
    /// <value>Default 0. At least 0.</value>
    public int EveryEpochs { get; set; }
}
