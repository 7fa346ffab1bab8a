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

    /// <summary>The folder: <c>epoch-NNNN.mtl</c> every <see cref="EveryEpochs"/> epochs (a model file that also holds
    /// the training state, so <see cref="TrainerOptions.ResumeFrom"/> can continue from it), <c>best.mtl</c> at every
    /// improvement of the monitored metric, <c>last.mtl</c> at the end (plain model files).</summary>
    public string Directory { get; }

    /// <summary>Save every this many epochs; 0 saves only best and last.</summary>
    /// <value>Default 0. At least 0.</value>
    public int EveryEpochs { get; set; }

    /// <summary>How many of the newest <c>epoch-NNNN.mtl</c> checkpoints are kept; older ones are deleted after each save.</summary>
    /// <value>Default 3. At least 1.</value>
    public int Keep { get; set; } = 3;
}
