using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MultitaskLearning.Training.Weighting;

/// <summary>The per-run state of a <see cref="LossWeighting"/>: combines a step's per-task losses into one loss.</summary>
public abstract class LossWeightingState : IDisposable
{
    /// <summary>Learnable parameters of the weighting (for example log-variances), optimised with the model.</summary>
    public virtual IReadOnlyList<Parameter> Parameters => [];

    /// <summary>Combines the per-task losses of one step.</summary>
    /// <param name="taskLosses">Per-task mean losses [T] of this step (0 for tasks with no labelled sample in the batch).</param>
    /// <param name="taskPresent">1 for tasks with at least one labelled sample in the batch, else 0 [T].</param>
    /// <returns>The total loss and the effective task weights; both belong to the current dispose scope.</returns>
    public abstract WeightedLoss Combine(Tensor taskLosses, Tensor taskPresent);

    /// <summary>Called by the trainer before training with the shared parameters being trained (empty for a
    /// task-specific model), for weightings that look at gradients (GradNorm).</summary>
    /// <param name="sharedParameters">The shared parameters, in network order.</param>
    public virtual void Attach(IReadOnlyList<Parameter> sharedParameters)
    {
    }

    /// <summary>Called by the trainer after every epoch with each task's mean training loss of that epoch (NaN for a
    /// task with no labelled sample), for weightings that adapt from epoch to epoch.</summary>
    /// <param name="epochTaskLosses">One mean loss per task.</param>
    public virtual void EndEpoch(IReadOnlyList<double> epochTaskLosses)
    {
    }

    /// <summary>The weighting's non-parameter state (loss histories, logits), for checkpointing; learnable
    /// parameters are in <see cref="Parameters"/>.</summary>
    /// <returns>Named arrays; empty for stateless weightings.</returns>
    public virtual IReadOnlyDictionary<string, double[]> SaveState() => new Dictionary<string, double[]>();

    /// <summary>Restores state saved with <see cref="SaveState"/>.</summary>
    /// <param name="state">The saved state.</param>
    public virtual void RestoreState(IReadOnlyDictionary<string, double[]> state)
    {
    }

    /// <summary>The current task weights, for progress reports (for learnable weightings, the weights at the current parameters).</summary>
    /// <returns>One weight per task.</returns>
    public abstract double[] CurrentWeights();

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases tensors the state owns.</summary>
    /// <param name="disposing">Whether called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
    }
}
