namespace MultitaskLearning.Interop;

/// <summary>A safetensors file as read and checked by <see cref="SafetensorsReader"/>: the header's tensors (in file
/// order), its <c>__metadata__</c> and the data section.</summary>
/// <param name="Path">The file that was read, for error messages.</param>
/// <param name="Tensors">The tensors, in the header's order.</param>
/// <param name="Metadata">The header's <c>__metadata__</c> strings (empty when absent).</param>
/// <param name="Data">The data section (everything after the header).</param>
internal sealed record SafetensorsContent(
    string Path,
    IReadOnlyList<SafetensorsEntry> Tensors,
    IReadOnlyDictionary<string, string> Metadata,
    ReadOnlyMemory<byte> Data);
