namespace MultitaskLearning.Models;

/// <summary>How an input is encoded before the trunk.</summary>
public enum EncoderKind
{
    /// <summary>Flatten the sample and apply <see cref="InputDefinition.EncoderLayers"/> fully connected layers (vectors, tables).</summary>
    Dense,

    /// <summary>Convolution blocks (3×3 convolution, activation, 2×2 max-pooling) for samples of shape [C, H, W]
    /// (images, spectrograms as [1, mels, frames]) or 1-D blocks for [C, L]; then flatten and the dense
    /// <see cref="InputDefinition.EncoderLayers"/>.</summary>
    Convolutional,
}
