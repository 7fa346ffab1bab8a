using System.Buffers.Binary;
using System.IO.Compression;

namespace MultitaskLearning.Vision;

/// <summary>Reads MNIST's IDX files (optionally gzip-compressed): unsigned-byte images (magic 0x00000803) and labels (0x00000801).</summary>
public static class IdxReader
{
    /// <summary>Reads an image file.</summary>
    /// <param name="path">The file (.gz is decompressed).</param>
    /// <returns>The images as bytes [count, rows, columns].</returns>
    /// <exception cref="InvalidDataException">Wrong magic number or truncated data; the message names the file.</exception>
    public static (byte[] Pixels, int Count, int Rows, int Columns) ReadImages(string path)
    {
        var bytes = ReadAll(path);
        Require(bytes, 16, path);
        var magic = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (magic != 0x00000803)
        {
            throw new InvalidDataException($"IDX file '{path}' has magic number 0x{magic:X8}; an image file has 0x00000803.");
        }

        var count = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4));
        var rows = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(8));
        var columns = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(12));
        Require(bytes, 16 + ((long)count * rows * columns), path);
        return (bytes[16..(16 + (count * rows * columns))], count, rows, columns);
    }

    /// <summary>Reads a label file.</summary>
    /// <param name="path">The file (.gz is decompressed).</param>
    /// <returns>The labels.</returns>
    public static byte[] ReadLabels(string path)
    {
        var bytes = ReadAll(path);
        Require(bytes, 8, path);
        var magic = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (magic != 0x00000801)
        {
            throw new InvalidDataException($"IDX file '{path}' has magic number 0x{magic:X8}; a label file has 0x00000801.");
        }

        var count = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4));
        Require(bytes, 8L + count, path);
        return bytes[8..(8 + count)];
    }

    private static byte[] ReadAll(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"IDX file '{path}' does not exist.", path);
        }

        try
        {
            using var file = File.OpenRead(path);
            using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            return memory.ToArray();
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"IDX file '{path}' is not valid gzip: {ex.Message}", ex);
        }
    }

    private static void Require(byte[] bytes, long length, string path)
    {
        if (bytes.Length < length)
        {
            throw new InvalidDataException($"IDX file '{path}' is truncated: it needs {length} bytes and has {bytes.Length}.");
        }
    }
}
