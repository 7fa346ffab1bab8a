namespace MultitaskLearning.Training;

/// <summary>
/// How one training step is computed. The trainer's loop (<see cref="TrainingLoop"/>) owns everything else — epochs,
/// batches, the learning-rate schedule, divergence checks, validation, early stopping, checkpoints, progress and the
/// thread guard — and calls an engine only through this interface. Engines: <see cref="AutogradEngine"/> (TorchSharp
/// autograd and optimisers; every model and option; the reference) and <see cref="FusedEngine"/> (hand-written
/// kernels for the configurations its <see cref="FusedEngine.Unsupported"/> accepts; <see cref="FusedMultiInputEngine"/>
/// joins one per input).
/// </summary>
internal interface ITrainingEngine : IDisposable
{
    /// <summary>Which engine this is.</summary>
    TrainingEngine Kind { get; }

    /// <summary>Takes one optimiser step on the scheduler's next batch.</summary>
    /// <param name="scheduler">Hands out the step's rows.</param>
    /// <param name="learningRates">The learning rates of this step, from the trainer's schedule.</param>
    /// <returns>Per-task mean losses and labelled counts (in the trainer's task order) and the weighted total, of the
    /// batch before the update.</returns>
    StepOutcome Step(IBatchSource scheduler, StepLearningRates learningRates);

    /// <summary>Writes the engine's parameters into the network's tensors (a no-op when the engine trains them in place).</summary>
    void StoreToNetwork();

    /// <summary>Reads the parameters from the network's tensors (after they were replaced, as on resume).</summary>
    void LoadFromNetwork();

    /// <summary>The optimiser's state (momentum buffers, Adam moments, step counts) in the network's parameter layout.</summary>
    OptimizerSnapshot ExportOptimizerState();

    /// <summary>Replaces the optimiser's state with a snapshot from <see cref="ExportOptimizerState"/> of either engine.</summary>
    /// <exception cref="InvalidDataException">The snapshot is of another optimiser or does not match the parameters.</exception>
    void ImportOptimizerState(OptimizerSnapshot snapshot);

    /// <summary>A guard that drops to one thread while that is faster, or <see langword="null"/> when the engine runs
    /// on one thread.</summary>
    /// <param name="switched">Called with the new thread count after every switch.</param>
    ContentionGuard? CreateContentionGuard(Action<int> switched);
}
