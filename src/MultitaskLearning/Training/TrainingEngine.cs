namespace MultitaskLearning.Training;

/// <summary>How the trainer computes a step.</summary>
public enum TrainingEngine
{
    /// <summary>The fused engine when the configuration allows it (see <see cref="Fused"/>), otherwise autograd.</summary>
    Automatic,

    /// <summary>TorchSharp's autograd: every model family, loss, weighting and aggregator.</summary>
    Autograd,

    /// <summary>A hand-fused forward and backward pass for models of every family (task-specific ones with a
    /// convolutional encoder: one task per input) with one input or several (one path per input; no aggregator or task sampling then), each with a dense or convolutional encoder (ReLU in convolution blocks, any built-in activation after dense layers and in
    /// experts and towers; dropout after them, with the masks autograd draws too) on the CPU, trained with SGD, Adam or AdamW, any loss weighting but GradNorm
    /// (uncertainty weighting's log-variances are trained in the flat buffer), cross-entropy, binary cross-entropy or squared-error
    /// losses and no aggregator or a Gram-based one (PCGrad, MGDA, …; not with experts or cross-stitch units). Parameters live in one flat
    /// buffer with in-place optimiser updates; the first task layer of all tasks (heads, or the first tower layers)
    /// runs as one matrix product, as do the first layers of the experts and all gates; products, convolutions
    /// included, use the library's AVX-512/AVX2 kernels, and first convolutions with few input channels are computed directly.
    /// Fit throws when the configuration is not supported, naming the reason.</summary>
    Fused,
}
