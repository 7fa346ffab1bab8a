using System.Text;
using System.Text.Json;

namespace MultitaskLearning.Interop;

/// <summary>
/// Writes the safetensors format of Hugging Face: an 8-byte little-endian header length N, N bytes of UTF-8 JSON (one
/// object per tensor with <c>dtype</c>, <c>shape</c> and <c>data_offsets</c> [begin, end) relative to the data section,
/// plus a <c>__metadata__</c> map of strings), padded with spaces to a multiple of 8 bytes, then the tensors' raw
/// little-endian bytes, back to back with no gaps.
/// </summary>
internal static class SafetensorsWriter
{
    /// <summary>The header is padded with spaces so that the data section starts at a multiple of this many bytes.</summary>
    private const int HeaderAlignment = 8;

    /// <summary>Writes float32 tensors whose values lie back to back in <paramref name="data"/>, in the order given.</summary>
    /// <param name="stream">The stream to write to.</param>
    /// <param name="tensors">The tensors' names and shapes, in data order.</param>
    /// <param name="data">The little-endian float32 values of all tensors, in the same order.</param>
    /// <param name="metadata">The <c>__metadata__</c> strings.</param>
    /// <exception cref="ArgumentException">A name repeats or is <c>__metadata__</c>, or the shapes do not add up to the data.</exception>
    public static void Write(Stream stream, IReadOnlyList<(string Name, long[] Shape)> tensors, ReadOnlySpan<byte> data, IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(metadata);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("safetensors data is little-endian; writing it on a big-endian machine is not supported.");
        }

        var header = Header(tensors, data.Length, metadata);
        var padded = (header.Length + HeaderAlignment - 1) / HeaderAlignment * HeaderAlignment;
        Span<byte> length = stackalloc byte[sizeof(long)];
        BitConverter.TryWriteBytes(length, (long)padded);
        stream.Write(length);
        stream.Write(header);
        for (var i = header.Length; i < padded; i++)
        {
            stream.WriteByte((byte)' ');
        }

        stream.Write(data);
    }

    private static byte[] Header(IReadOnlyList<(string Name, long[] Shape)> tensors, long dataLength, IReadOnlyDictionary<string, string> metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject(SafetensorsReader.MetadataKey);
            foreach (var (key, value) in metadata)
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();
            var names = new HashSet<string>(StringComparer.Ordinal);
            long offset = 0;
            foreach (var (name, shape) in tensors)
            {
                if (name == SafetensorsReader.MetadataKey || !names.Add(name))
                {
                    throw new ArgumentException($"Tensor name '{name}' is reserved or appears twice.", nameof(tensors));
                }

                var bytes = shape.Aggregate(1L, (count, dimension) => count * dimension) * sizeof(float);
                json.WriteStartObject(name);
                json.WriteString("dtype", SafetensorsEntry.Float32);
                json.WriteStartArray("shape");
                foreach (var dimension in shape)
                {
                    json.WriteNumberValue(dimension);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes;
            }

            json.WriteEndObject();
            if (offset != dataLength)
            {
                throw new ArgumentException($"The tensors' shapes need {offset} bytes of data; {dataLength} were given.", nameof(tensors));
            }
        }

        return buffer.ToArray();
    }
}
