using System.Text.Json;

namespace MultitaskLearning.Interop;

/// <summary>
/// Reads and checks a safetensors file (see <see cref="SafetensorsWriter"/> for the layout). Everything is validated
/// before it is returned: the header length against the file, the header's JSON, every entry's fields, and that the
/// tensors' byte ranges match their shapes and tile the data section exactly (no gaps, overlaps or bytes left over),
/// as the reference implementation requires. Every error is an <see cref="InvalidDataException"/> that names the file
/// and, where one is at fault, the tensor.
/// </summary>
internal static class SafetensorsReader
{
    /// <summary>The header key of the free-form string metadata.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>The largest header accepted (the reference implementation's limit), refused before allocating.</summary>
    private const long MaxHeaderBytes = 100_000_000;

    /// <summary>Reads a safetensors file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The checked content.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid safetensors file; the message says where and why.</exception>
    public static SafetensorsContent Read(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"The safetensors file '{full}' does not exist.", full);
        }

        var length = new FileInfo(full).Length;
        if (length > Array.MaxLength)
        {
            throw new InvalidDataException($"The safetensors file '{full}' is {length:N0} bytes; files over {Array.MaxLength:N0} bytes are not supported.");
        }

        return Parse(File.ReadAllBytes(full), full);
    }

    /// <summary>Checks and interprets the bytes of a safetensors file.</summary>
    /// <param name="bytes">The whole file.</param>
    /// <param name="path">The file's name, for error messages.</param>
    /// <returns>The checked content.</returns>
    /// <exception cref="InvalidDataException">The bytes are not a valid safetensors file.</exception>
    public static SafetensorsContent Parse(byte[] bytes, string path)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length < sizeof(long))
        {
            throw new InvalidDataException($"The safetensors file '{path}' is {bytes.Length} bytes long, too short to hold the 8-byte header length; it is truncated or not a safetensors file.");
        }

        var headerLength = BitConverter.ToInt64(bytes, 0);
        if (headerLength < 2 || headerLength > MaxHeaderBytes || headerLength > bytes.Length - sizeof(long))
        {
            throw new InvalidDataException(
                $"The safetensors file '{path}' declares a {headerLength:N0}-byte header, but the file has {bytes.Length - sizeof(long):N0} bytes after the length field (the limit is {MaxHeaderBytes:N0}); it is truncated or not a safetensors file.");
        }

        var data = bytes.AsMemory(sizeof(long) + (int)headerLength);
        var (tensors, metadata) = ParseHeader(bytes.AsMemory(sizeof(long), (int)headerLength), path);
        CheckRanges(tensors, data.Length, path);
        return new SafetensorsContent(path, tensors, metadata, data);
    }

    /// <summary>The size in bytes of one element of a safetensors type, or 0 when the type is not known here.</summary>
    public static int ElementSize(string dataType) => dataType switch
    {
        "F64" or "I64" or "U64" => 8,
        "F32" or "I32" or "U32" => 4,
        "F16" or "BF16" or "I16" or "U16" => 2,
        "I8" or "U8" or "BOOL" or "F8_E4M3" or "F8_E5M2" => 1,
        _ => 0,
    };

    private static (List<SafetensorsEntry> Tensors, Dictionary<string, string> Metadata) ParseHeader(ReadOnlyMemory<byte> header, string path)
    {
        if (header.Span[0] != (byte)'{')
        {
            throw new InvalidDataException($"The safetensors file '{path}': the header does not start with '{{'; it is not a safetensors file.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"The safetensors file '{path}': the header is not valid JSON ({ex.Message}).", ex);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"The safetensors file '{path}': the header is not a JSON object.");
            }

            var tensors = new List<SafetensorsEntry>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!names.Add(property.Name))
                {
                    throw new InvalidDataException($"The safetensors file '{path}': the header names '{property.Name}' twice.");
                }

                if (property.Name == MetadataKey)
                {
                    ReadMetadata(property.Value, metadata, path);
                }
                else
                {
                    tensors.Add(ReadEntry(property.Name, property.Value, path));
                }
            }

            return (tensors, metadata);
        }
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata, string path)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"The safetensors file '{path}': {MetadataKey} must be an object of strings; it is {value.ValueKind}.");
        }

        foreach (var item in value.EnumerateObject())
        {
            metadata[item.Name] = item.Value.ValueKind == JsonValueKind.String
                ? item.Value.GetString()!
                : throw new InvalidDataException($"The safetensors file '{path}': {MetadataKey} entry '{item.Name}' must be a string; it is {item.Value.ValueKind}.");
        }
    }

    private static SafetensorsEntry ReadEntry(string name, JsonElement value, string path)
    {
        string Problem(string what) => $"The safetensors file '{path}': tensor '{name}' {what}.";

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException(Problem($"is described by a JSON {value.ValueKind}, not an object with dtype, shape and data_offsets"));
        }

        string? dataType = null;
        long[]? shape = null;
        long[]? offsets = null;
        foreach (var field in value.EnumerateObject())
        {
            switch (field.Name)
            {
                case "dtype" when field.Value.ValueKind == JsonValueKind.String:
                    dataType = field.Value.GetString();
                    break;
                case "shape":
                    shape = Integers(field.Value) ?? throw new InvalidDataException(Problem("has a shape that is not an array of non-negative integers"));
                    break;
                case "data_offsets":
                    offsets = Integers(field.Value) is { Length: 2 } pair && pair[0] <= pair[1]
                        ? pair
                        : throw new InvalidDataException(Problem("has data_offsets that are not [begin, end] with 0 <= begin <= end"));
                    break;
                default:
                    throw new InvalidDataException(Problem($"has an unexpected field '{field.Name}' (expected dtype, shape and data_offsets)"));
            }
        }

        if (dataType is null || shape is null || offsets is null)
        {
            throw new InvalidDataException(Problem("lacks one of the fields dtype (a string), shape and data_offsets"));
        }

        return new SafetensorsEntry(name, dataType, shape, offsets[0], offsets[1]);
    }

    private static long[]? Integers(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var result = new long[value.GetArrayLength()];
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var number) || number < 0)
            {
                return null;
            }

            result[i++] = number;
        }

        return result;
    }

    /// <summary>Each range must match its shape and type, and together they must cover the data section exactly.</summary>
    private static void CheckRanges(List<SafetensorsEntry> tensors, long dataLength, string path)
    {
        foreach (var tensor in tensors)
        {
            var size = ElementSize(tensor.DataType);
            long expected;
            try
            {
                expected = checked(tensor.ElementCount * size);
            }
            catch (OverflowException)
            {
                throw new InvalidDataException($"The safetensors file '{path}': tensor '{tensor.Name}' has an impossibly large shape [{string.Join(", ", tensor.Shape)}].");
            }

            if (size > 0 && tensor.End - tensor.Begin != expected)
            {
                throw new InvalidDataException(
                    $"The safetensors file '{path}': tensor '{tensor.Name}' ({tensor.DataType} [{string.Join(", ", tensor.Shape)}]) needs {expected:N0} bytes, but its data_offsets [{tensor.Begin}, {tensor.End}] span {tensor.End - tensor.Begin:N0}.");
            }

            if (tensor.End > dataLength)
            {
                throw new InvalidDataException(
                    $"The safetensors file '{path}': tensor '{tensor.Name}' ends at byte {tensor.End:N0} of the data, but the file holds only {dataLength:N0} bytes of data; the file is truncated.");
            }
        }

        long covered = 0;
        foreach (var tensor in tensors.OrderBy(t => t.Begin).ThenBy(t => t.End))
        {
            if (tensor.Begin != covered)
            {
                throw new InvalidDataException(tensor.Begin > covered
                    ? $"The safetensors file '{path}': bytes {covered:N0} to {tensor.Begin:N0} of the data belong to no tensor (before tensor '{tensor.Name}')."
                    : $"The safetensors file '{path}': tensor '{tensor.Name}' overlaps the tensor before it (it starts at byte {tensor.Begin:N0}, the one before ends at {covered:N0}).");
            }

            covered = tensor.End;
        }

        if (covered != dataLength)
        {
            throw new InvalidDataException($"The safetensors file '{path}': {dataLength - covered:N0} bytes after the last tensor belong to no tensor.");
        }
    }
}
