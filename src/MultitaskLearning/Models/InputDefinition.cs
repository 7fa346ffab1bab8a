using MultitaskLearning.Data;

namespace MultitaskLearning.Models;

/// <summary>One input kind of a model: its name, sample shape, encoder and preprocessing.</summary>
public sealed record InputDefinition
{
    /// <summary>Creates an input definition.</summary>
    /// <param name="name">The input's name, as in the dataset's <see cref="InputTable.Name"/>.</param>
    /// <param name="sampleShape">The shape of one sample, for example [27] or [1, 28, 28].</param>
    public InputDefinition(string name, params int[] sampleShape)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(sampleShape);
        if (sampleShape.Length == 0 || sampleShape.Any(d => d <= 0))
        {
            throw new ArgumentException($"Input '{name}': sample shape [{string.Join(", ", sampleShape)}] must have positive dimensions.", nameof(sampleShape));
        }

        Name = name;
        SampleShape = sampleShape.ToArray();
    }

    /// <summary>The input's name.</summary>
    public string Name { get; }

    /// <summary>The shape of one sample.</summary>
    public IReadOnlyList<int> SampleShape { get; }

    /// <summary>The number of values in one sample.</summary>
    public int SampleSize => SampleShape.Aggregate(1, (a, b) => a * b);

    /// <summary>Hidden sizes of the input's MLP encoder, which maps a flattened sample into the trunk.</summary>
    /// <value>Default empty: the flattened sample goes straight into the trunk. Every size ≥ 1.</value>
    public IReadOnlyList<int> EncoderLayers { get; init; } = [];

    /// <summary>Whether features are standardised with training-split statistics saved in the model.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool Standardize { get; init; } = true;

    /// <summary>What happens to missing (NaN) features.</summary>
    /// <value>Default <see cref="MissingValuePolicy.Error"/>.</value>
    public MissingValuePolicy MissingValues { get; init; } = MissingValuePolicy.Error;

    /// <summary>The kind of encoder.</summary>
    /// <value>Default <see cref="EncoderKind.Dense"/>.</value>
    public EncoderKind Encoder { get; init; } = EncoderKind.Dense;

    /// <summary>Output channels of each convolution block of a <see cref="EncoderKind.Convolutional"/> encoder; each
    /// block halves every spatial size.</summary>
    /// <value>Default [16, 32]. Every count ≥ 1.</value>
    public IReadOnlyList<int> ConvolutionChannels { get; init; } = [16, 32];

    /// <summary>The width of the flattened convolution output, before the dense encoder layers (the sample size for a dense encoder).</summary>
    public int ConvolvedSize
    {
        get
        {
            if (Encoder == EncoderKind.Dense || ConvolutionChannels.Count == 0)
            {
                return SampleSize;
            }

            var blocks = ConvolutionChannels.Count;
            var spatial = SampleShape.Skip(1).Aggregate(1, (size, dimension) => size * (dimension >> blocks));
            return ConvolutionChannels[^1] * spatial;
        }
    }

    /// <summary>The width of the encoder's output (the last encoder layer, or the flattened sample or convolution output).</summary>
    public int EncodedSize => EncoderLayers.Count > 0 ? EncoderLayers[^1] : ConvolvedSize;

    internal IEnumerable<string> Validate()
    {
        if (EncoderLayers.Any(s => s < 1))
        {
            yield return $"Input '{Name}': encoder layer sizes must be >= 1. Got [{string.Join(", ", EncoderLayers)}] instead.";
        }

        if (!Enum.IsDefined(Encoder))
        {
            yield return $"Input '{Name}': unknown encoder kind {Encoder}.";
        }

        if (Encoder == EncoderKind.Convolutional)
        {
            if (SampleShape.Count is not (2 or 3))
            {
                yield return $"Input '{Name}': a convolutional encoder needs samples of shape [C, H, W] or [C, L]; got [{string.Join(", ", SampleShape)}].";
            }
            else if (ConvolutionChannels.Count == 0 || ConvolutionChannels.Any(c => c < 1))
            {
                yield return $"Input '{Name}': ConvolutionChannels must be one or more counts >= 1. Got [{string.Join(", ", ConvolutionChannels)}] instead.";
            }
            else if (SampleShape.Skip(1).Any(d => (d >> ConvolutionChannels.Count) < 1))
            {
                yield return $"Input '{Name}': {ConvolutionChannels.Count} pooling blocks shrink the spatial size [{string.Join(", ", SampleShape.Skip(1))}] below 1; use fewer ConvolutionChannels.";
            }
        }
    }
}
