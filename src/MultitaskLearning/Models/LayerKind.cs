namespace MultitaskLearning.Models;

/// <summary>The kinds of layer a <see cref="NetworkDescription"/> lists. Code that walks a description (the fused
/// training engine) must reject a kind it does not implement, so a new kind cannot be trained silently wrong.</summary>
internal enum LayerKind
{
    /// <summary>A fully connected layer y = x Wᵀ + b (<see cref="LayerDescription.Dense"/> holds the module).</summary>
    Dense,

    /// <summary>An element-wise activation (<see cref="LayerDescription.Activation"/>).</summary>
    Activation,

    /// <summary>Dropout with <see cref="LayerDescription.DropoutRate"/> while training.</summary>
    Dropout,

    /// <summary>A convolution that keeps the spatial size (<see cref="LayerDescription.Convolution"/> holds its shape and parameters).</summary>
    Convolution,

    /// <summary>A max-pool of 2 (× 2) over the spatial dimensions of the preceding convolution's output
    /// (<see cref="LayerDescription.Convolution"/> is that convolution), floor-sized.</summary>
    MaxPool,

    /// <summary>MMoE/CGC experts with per-task softmax gates.</summary>
    ExpertMixture,

    /// <summary>Per-task columns mixed by cross-stitch units.</summary>
    CrossStitch,

    /// <summary>One fully connected layer per task, stored stacked over the tasks of a block.</summary>
    StackedTaskLayer,
}
