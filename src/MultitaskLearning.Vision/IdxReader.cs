using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;

namespace MultitaskLearning.Vision;

/// <summary>Reads MNIST's IDX files (optionally gzip-compressed): unsigned-byte images (magic 0x00000803) and labels
/// (0x00000801). The header is checked (magic number, counts ≥ 0, sizes ≥ 1) and the size it declares is compared
/// with the file before the data is allocated; the file must hold exactly that many bytes.</summary>
public static class IdxReader
{
    /// <summary>Reads an image file.</summary>
    /// <param name="path">The file (.gz is decompressed).</param>
    /// <returns>The images as bytes [count, rows, columns].</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">Wrong magic number, a negative count or non-positive size in the header,
    /// a declared size larger than an array can hold, truncated data, data after the declared images, or invalid gzip;
    /// the message names the file.</exception>
    public static (byte[] Pixels, int Count, int Rows, int Columns) ReadImages(string path)
    {
        using var stream = Open(path, out var fileLength);
        var header = ReadHeader(stream, path, 16, fileLength);
        var magic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (magic != 0x00000803)
        {
            throw new InvalidDataException($"IDX file '{path}' has magic number 0x{magic:X8}; an image file has 0x00000803.");
        }

        var count = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4));
        var rows = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(8));
        var columns = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(12));
        var declared = string.Create(CultureInfo.InvariantCulture, $"its header declares {count} images of {rows} × {columns} pixels");
        if (count < 0 || rows < 1 || columns < 1)
        {
            throw new InvalidDataException($"IDX file '{path}' has an invalid header: {declared}; the count must be >= 0 and the sizes >= 1.");
        }

        var pixels = ReadData(stream, path, 16, (Int128)count * rows * columns, fileLength, declared);
        return (pixels, count, rows, columns);
    }

    /// <summary>Reads a label file.</summary>
    /// <param name="path">The file (.gz is decompressed).</param>
    /// <returns>The labels.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">Wrong magic number, a negative count, truncated data, data after the
    /// declared labels, or invalid gzip; the message names the file.</exception>
    public static byte[] ReadLabels(string path)
    {
        using var stream = Open(path, out var fileLength);
        var header = ReadHeader(stream, path, 8, fileLength);
        var magic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (magic != 0x00000801)
        {
            throw new InvalidDataException($"IDX file '{path}' has magic number 0x{magic:X8}; a label file has 0x00000801.");
        }

        var count = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4));
        var declared = string.Create(CultureInfo.InvariantCulture, $"its header declares {count} labels");
        if (count < 0)
        {
            throw new InvalidDataException($"IDX file '{path}' has an invalid header: {declared}; the count must be >= 0.");
        }

        return ReadData(stream, path, 8, count, fileLength, declared);
    }

    /// <summary>Opens the file, decompressing .gz; <paramref name="fileLength"/> is its length when not compressed.</summary>
    private static Stream Open(string path, out long? fileLength)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"IDX file '{path}' does not exist.", path);
        }

        var file = File.OpenRead(path);
        if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            fileLength = null;
            return new GZipStream(file, CompressionMode.Decompress);
        }

        fileLength = file.Length;
        return file;
    }

    private static byte[] ReadHeader(Stream stream, string path, int length, long? fileLength)
    {
        var header = new byte[length];
        var read = Fill(stream, header, path);
        if (read < length)
        {
            throw new InvalidDataException($"IDX file '{path}' is truncated: it needs {length} bytes and has {fileLength ?? read}.");
        }

        return header;
    }

    /// <summary>Reads exactly the <paramref name="dataBytes"/> the header declares, checking the file's size first
    /// (uncompressed) or growing the buffer only as data arrives (gzip), so a lying header allocates nothing large.</summary>
    private static byte[] ReadData(Stream stream, string path, int headerBytes, Int128 dataBytes, long? fileLength, string declared)
    {
        var needed = headerBytes + dataBytes;
        if (fileLength is { } length && length < needed)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"IDX file '{path}' is truncated: it needs {needed} bytes and has {length} ({declared})."));
        }

        if (dataBytes > Array.MaxLength)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"IDX file '{path}' is too large: {declared}, {dataBytes:N0} bytes, more than one array can hold ({Array.MaxLength:N0})."));
        }

        byte[] data;
        if (fileLength is not null)
        {
            data = new byte[(long)dataBytes];
            Fill(stream, data, path);
        }
        else
        {
            using var memory = new MemoryStream((int)Int128.Min(dataBytes, 1 << 20));
            var buffer = new byte[81920];
            while (memory.Length < dataBytes)
            {
                var read = Fill(stream, buffer.AsSpan(0, (int)Int128.Min(buffer.Length, dataBytes - memory.Length)), path);
                if (read == 0)
                {
                    throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                        $"IDX file '{path}' is truncated: it needs {needed} bytes and has {headerBytes + memory.Length} once decompressed ({declared})."));
                }

                memory.Write(buffer, 0, read);
            }

            data = memory.ToArray();
        }

        Span<byte> extra = stackalloc byte[1];
        if (Fill(stream, extra, path) > 0)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"IDX file '{path}' has more data than its header declares: {declared} ({needed} bytes){(fileLength is { } total ? $" but the file has {total} bytes" : string.Empty)}."));
        }

        return data;
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends; invalid gzip names the file.</summary>
    private static int Fill(Stream stream, Span<byte> buffer, string path)
    {
        try
        {
            return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"IDX file '{path}' is not valid gzip: {ex.Message}", ex);
        }
    }
}
