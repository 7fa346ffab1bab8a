namespace MultitaskLearning.Samples.Serving;

/// <summary>One input of the served model, as <c>GET /model</c> shows it.</summary>
/// <param name="Name">The input's name (the <c>input</c> field of a request).</param>
/// <param name="Shape">The shape of one sample, without the batch dimension.</param>
/// <param name="AcceptsMissingValues">Whether a sample may hold <c>null</c> for a missing value (the model fills it in).</param>
public sealed record InputDescription(string Name, IReadOnlyList<int> Shape, bool AcceptsMissingValues)
{
    /// <summary>The number of values in one sample (the product of the shape).</summary>
    public int SampleSize => Shape.Aggregate(1, (size, dimension) => size * dimension);
}
