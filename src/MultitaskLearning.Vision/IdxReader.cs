using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;

namespace MultitaskLearning.Vision;

/// <summary>Reads MNIST's IDX files, from a path or a stream (optionally gzip-compressed): unsigned-byte images (magic
/// 0x00000803) and labels (0x00000801). The header is checked (magic number, counts ≥ 0, sizes ≥ 1) and the size it
/// declares is compared with the file before the data is allocated (when the size is known up front); the file must
/// hold exactly that many bytes. Paths and streams share one parser; errors name the file, or the source name given
/// with a stream. Streams are left open.</summary>
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
        return ReadImages(stream, path, fileLength, compressed: fileLength is null);
    }

    /// <summary>Reads an image file held in a stream (a blob, an embedded resource, a network response), from its
    /// current position to its end. Gzip-compressed content is recognised by its first two bytes (0x1F 0x8B; an IDX
    /// file starts with 0x00 0x00) and decompressed. The stream may be non-seekable; when it is seekable and not
    /// compressed, the size the header declares is checked against the bytes left before anything large is allocated.
    /// The stream is left open: the library never disposes a stream it is given.</summary>
    /// <param name="stream">A readable stream.</param>
    /// <param name="sourceName">What the stream is (for example the blob's name), used in error messages where a file's
    /// path would be.</param>
    /// <returns>The images as bytes [count, rows, columns].</returns>
    /// <exception cref="InvalidDataException">As for a file; the message names <paramref name="sourceName"/>.</exception>
    public static (byte[] Pixels, int Count, int Rows, int Columns) ReadImages(Stream stream, string sourceName)
    {
        using var source = Open(stream, sourceName, out var length, out var compressed);
        return ReadImages(source, sourceName, length, compressed);
    }

    /// <summary>Reads an image file held in a stream asynchronously, for streams from a network or a blob store: the
    /// stream is copied to memory asynchronously (to its end; it is left open), then parsed synchronously as
    /// <see cref="ReadImages(Stream, string)"/> does, so the whole content is held in memory while it is parsed.</summary>
    /// <param name="stream">A readable stream (gzip-compressed or not).</param>
    /// <param name="sourceName">What the stream is, used in error messages where a file's path would be.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The images as bytes [count, rows, columns].</returns>
    /// <exception cref="InvalidDataException">As for a file; the message names <paramref name="sourceName"/>.</exception>
    public static async Task<(byte[] Pixels, int Count, int Rows, int Columns)> ReadImagesAsync(Stream stream, string sourceName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceName);
        using var memory = await CopyToMemoryAsync(stream, cancellationToken).ConfigureAwait(false);
        return ReadImages(memory, sourceName);
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
        return ReadLabels(stream, path, fileLength, compressed: fileLength is null);
    }

    /// <summary>Reads a label file held in a stream, from its current position to its end; gzip is recognised by its
    /// first two bytes, the stream may be non-seekable, and it is left open (see <see cref="ReadImages(Stream, string)"/>).</summary>
    /// <param name="stream">A readable stream.</param>
    /// <param name="sourceName">What the stream is, used in error messages where a file's path would be.</param>
    /// <returns>The labels.</returns>
    /// <exception cref="InvalidDataException">As for a file; the message names <paramref name="sourceName"/>.</exception>
    public static byte[] ReadLabels(Stream stream, string sourceName)
    {
        using var source = Open(stream, sourceName, out var length, out var compressed);
        return ReadLabels(source, sourceName, length, compressed);
    }

    /// <summary>Reads a label file held in a stream asynchronously: the stream is copied to memory asynchronously (to
    /// its end; it is left open), then parsed synchronously as <see cref="ReadLabels(Stream, string)"/> does.</summary>
    /// <param name="stream">A readable stream (gzip-compressed or not).</param>
    /// <param name="sourceName">What the stream is, used in error messages where a file's path would be.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The labels.</returns>
    /// <exception cref="InvalidDataException">As for a file; the message names <paramref name="sourceName"/>.</exception>
    public static async Task<byte[]> ReadLabelsAsync(Stream stream, string sourceName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceName);
        using var memory = await CopyToMemoryAsync(stream, cancellationToken).ConfigureAwait(false);
        return ReadLabels(memory, sourceName);
    }

    private static (byte[] Pixels, int Count, int Rows, int Columns) ReadImages(Stream stream, string path, long? fileLength, bool compressed)
    {
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

        var pixels = ReadData(stream, path, 16, (Int128)count * rows * columns, fileLength, compressed, declared);
        return (pixels, count, rows, columns);
    }

    private static byte[] ReadLabels(Stream stream, string path, long? fileLength, bool compressed)
    {
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

        return ReadData(stream, path, 8, count, fileLength, compressed, declared);
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

    /// <summary>Wraps a caller's stream without taking ownership: the first two bytes are read to recognise gzip and
    /// replayed; <paramref name="length"/> is the number of bytes left when the stream is seekable and not compressed.
    /// Disposing the result leaves <paramref name="stream"/> open.</summary>
    private static Stream Open(Stream stream, string sourceName, out long? length, out bool compressed)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceName);
        if (!stream.CanRead)
        {
            throw new ArgumentException($"The stream for '{sourceName}' is not readable.", nameof(stream));
        }

        long? remaining = stream.CanSeek ? Math.Max(0, stream.Length - stream.Position) : null;
        var magic = new byte[2];
        var read = stream.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
        var source = new PrefixedReadStream(magic.AsMemory(0, read), stream);
        compressed = read == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
        if (compressed)
        {
            length = null;
            return new GZipStream(source, CompressionMode.Decompress);
        }

        length = remaining;
        return source;
    }

    private static async Task<MemoryStream> CopyToMemoryAsync(Stream stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var memory = new MemoryStream();
        try
        {
            await stream.CopyToAsync(memory, cancellationToken).ConfigureAwait(false);
            memory.Position = 0;
            return memory;
        }
        catch
        {
            await memory.DisposeAsync().ConfigureAwait(false);
            throw;
        }
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
    /// (when known: uncompressed and seekable) or growing the buffer only as data arrives (gzip, non-seekable streams),
    /// so a lying header allocates nothing large.</summary>
    private static byte[] ReadData(Stream stream, string path, int headerBytes, Int128 dataBytes, long? fileLength, bool compressed, string declared)
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
                        $"IDX file '{path}' is truncated: it needs {needed} bytes and has {headerBytes + memory.Length}{(compressed ? " once decompressed" : string.Empty)} ({declared})."));
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
