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

    /// <summary>The width of the encoder's output (the last encoder layer, or the sample size).</summary>
    public int EncodedSize => EncoderLayers.Count > 0 ? EncoderLayers[^1] : SampleSize;
}
