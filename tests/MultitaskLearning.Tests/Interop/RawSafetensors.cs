using System.Text.Json;
using MultitaskLearning.Interop;

namespace MultitaskLearning.Tests.Interop;

/// <summary>Reads a safetensors file into editable tensors and writes any tensors (any dtype, any order, with or
/// without metadata) back, to make the files a PyTorch user might produce and the broken files the import must refuse.</summary>
internal static class RawSafetensors
{
    private const int Gap = 4;

    public sealed record Tensor(string Name, string DataType, long[] Shape, byte[] Bytes);

    public static (List<Tensor> Tensors, Dictionary<string, string> Metadata) Read(string path)
    {
        var content = SafetensorsReader.Read(path);
        var tensors = content.Tensors.Select(t => new Tensor(t.Name, t.DataType, t.Shape, content.Data[(int)t.Begin..(int)t.End].ToArray())).ToList();
        return (tensors, content.Metadata.ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal));
    }

    /// <summary>Writes the tensors back to back in the order given (no header padding); with <paramref name="gapBefore"/>,
    /// 4 bytes that belong to no tensor precede that tensor.</summary>
    public static void Write(string path, IEnumerable<Tensor> tensors, IReadOnlyDictionary<string, string>? metadata, int gapBefore = -1)
    {
        var list = tensors.ToList();
        using var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            if (metadata is not null)
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata)
                {
                    json.WriteString(key, value);
                }

                json.WriteEndObject();
            }

            long offset = 0;
            foreach (var (tensor, index) in list.Select((t, i) => (t, i)))
            {
                offset += index == gapBefore ? Gap : 0;
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", tensor.DataType);
                json.WritePropertyName("shape");
                JsonSerializer.Serialize(json, tensor.Shape);
                json.WritePropertyName("data_offsets");
                JsonSerializer.Serialize(json, new[] { offset, offset + tensor.Bytes.Length });
                json.WriteEndObject();
                offset += tensor.Bytes.Length;
            }

            json.WriteEndObject();
        }

        using var file = File.Create(path);
        file.Write(BitConverter.GetBytes(header.Length));
        file.Write(header.ToArray());
        foreach (var (tensor, index) in list.Select((t, i) => (t, i)))
        {
            file.Write(new byte[index == gapBefore ? Gap : 0]);
            file.Write(tensor.Bytes);
        }
    }
}
