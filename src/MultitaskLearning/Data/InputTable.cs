namespace MultitaskLearning.Data;

/// <summary>
/// All samples of one input kind (for example "features", "image" or "audio"): a row-major block of float32 values,
/// <see cref="Count"/> samples of shape <see cref="SampleShape"/> each. Several tasks may be labelled on the same rows.
/// </summary>
public sealed class InputTable
{
    private readonly float[] values;
    private readonly int[] sampleShape;

    internal InputTable(string name, int[] sampleShape, float[] values)
    {
        Name = name;
        this.sampleShape = sampleShape;
        this.values = values;
        SampleSize = sampleShape.Aggregate(1, (a, b) => checked(a * b));
        Count = SampleSize == 0 ? 0 : values.Length / SampleSize;
    }

    /// <summary>The input's name; the model has one encoder per input name.</summary>
    public string Name { get; }

    /// <summary>The shape of one sample, for example [27] for a feature vector or [1, 28, 28] for an image.</summary>
    public IReadOnlyList<int> SampleShape => sampleShape;

    /// <summary>The number of values in one sample (the product of <see cref="SampleShape"/>).</summary>
    public int SampleSize { get; }

    /// <summary>The number of samples.</summary>
    public int Count { get; }

    /// <summary>All values, row-major: sample i occupies [i·SampleSize, (i+1)·SampleSize).</summary>
    public ReadOnlyMemory<float> Values => values;

    /// <summary>The values of one sample.</summary>
    /// <param name="index">The sample index.</param>
    /// <returns>A read-only view of the sample.</returns>
    public ReadOnlySpan<float> GetSample(int index)
    {
        if ((uint)index >= (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Input '{Name}' has {Count} samples.");
        }

        return values.AsSpan(index * SampleSize, SampleSize);
    }

    internal float[] RawValues => values;

    internal int[] RawShape => sampleShape;

    internal InputTable Select(int[] rows)
    {
        var selected = new float[rows.Length * SampleSize];
        for (var i = 0; i < rows.Length; i++)
        {
            Array.Copy(values, rows[i] * SampleSize, selected, i * SampleSize, SampleSize);
        }

        return new InputTable(Name, sampleShape, selected);
    }
}
