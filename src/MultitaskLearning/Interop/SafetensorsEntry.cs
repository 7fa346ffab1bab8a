namespace MultitaskLearning.Interop;

/// <summary>One tensor of a safetensors file: its name, element type, shape and byte range in the data section.</summary>
/// <param name="Name">The tensor's name.</param>
/// <param name="DataType">The safetensors element type, for example <c>F32</c>.</param>
/// <param name="Shape">The tensor's shape (empty for a scalar).</param>
/// <param name="Begin">The first byte of the tensor in the data section.</param>
/// <param name="End">One past the last byte of the tensor in the data section.</param>
internal sealed record SafetensorsEntry(string Name, string DataType, long[] Shape, long Begin, long End)
{
    /// <summary>The safetensors name of little-endian IEEE-754 float32, the only element type this library writes and reads.</summary>
    public const string Float32 = "F32";

    /// <summary>The number of elements (the product of the shape; 1 for a scalar).</summary>
    /// <exception cref="OverflowException">The product does not fit in 64 bits.</exception>
    public long ElementCount => Shape.Aggregate(1L, (count, dimension) => checked(count * dimension));
}
