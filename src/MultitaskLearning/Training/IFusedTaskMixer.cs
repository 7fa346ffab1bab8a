namespace MultitaskLearning.Training;

/// <summary>
/// A learned-sharing stage of the fused engine between the shared representation and the task layers, which gives each
/// task representations of its own (MMoE/CGC experts, <see cref="FusedExpertMixture"/>; cross-stitch columns,
/// <see cref="FusedCrossStitch"/>): the tasks' outputs side by side, [B, T·<see cref="OutputWidth"/>], task t's columns
/// at t·<see cref="OutputWidth"/>, in the engine's task order.
/// </summary>
internal unsafe interface IFusedTaskMixer
{
    /// <summary>Columns of one task's output.</summary>
    int OutputWidth { get; }

    /// <summary>The tasks' outputs after <see cref="Forward"/>.</summary>
    float* Mixed { get; }

    /// <summary>The gradient of the loss with respect to <see cref="Mixed"/>, for the engine to fill before <see cref="Backward"/>.</summary>
    float* MixedGradients { get; }

    /// <summary>Places the stage's shared parameters from <paramref name="offset"/> on; returns the offset after them.</summary>
    long LayOutShared(long offset);

    /// <summary>Places the stage's task-specific parameters from <paramref name="offset"/> on; returns the offset after them.</summary>
    long LayOutTaskSpecific(long offset);

    /// <summary>Allocates the stage's buffers for batches of up to <paramref name="maxBatch"/> and binds the engine's
    /// flat parameter and gradient buffers.</summary>
    void Bind(float* parameters, float* gradients, Func<long, IntPtr> allocate, int maxBatch);

    /// <summary>The stage's outputs for a batch of representations <paramref name="h"/> [B, H].</summary>
    void Forward(float* h, int batch);

    /// <summary>From <see cref="MixedGradients"/>, the gradients of the stage's parameters and, when
    /// <paramref name="inputGradient"/> is not null, of the representation <paramref name="h"/> the last
    /// <see cref="Forward"/> read.</summary>
    void Backward(float* h, int batch, float* inputGradient);

    /// <summary>Copies the stage's parameters between the flat buffer <paramref name="flatBase"/> (engine layout) and
    /// the network's tensors: into the network when <paramref name="toModule"/>.</summary>
    void Transfer(float* flatBase, ParameterLocator locate, bool toModule);
}
