namespace MultitaskLearning.Testing;

/// <summary>A stream that goes forwards only, like a network response or an upload: it refuses Seek, Length and
/// Position, hands out at most <see cref="MaxChunk"/> bytes per read (so callers must loop), and records whether it was
/// disposed (the library must leave a caller's stream open). Linked into each test project that needs it.</summary>
internal sealed class ForwardOnlyStream : Stream
{
    /// <summary>The most bytes one read returns.</summary>
    public const int MaxChunk = 1000;

    private readonly MemoryStream inner;
    private readonly bool writable;

    /// <summary>Creates a readable stream over some content.</summary>
    /// <param name="content">What the stream yields.</param>
    public ForwardOnlyStream(byte[] content)
    {
        inner = new MemoryStream(content, writable: false);
    }

    private ForwardOnlyStream()
    {
        inner = new MemoryStream();
        writable = true;
    }

    /// <summary>Whether the stream has been disposed.</summary>
    public bool IsDisposed { get; private set; }

    /// <summary>The bytes written so far (a writable stream).</summary>
    public byte[] Written => inner.ToArray();

    /// <inheritdoc/>
    public override bool CanRead => !writable && !IsDisposed;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanWrite => writable && !IsDisposed;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException("Forward-only stream: no Length.");

    /// <inheritdoc/>
    public override long Position
    {
        get => throw new NotSupportedException("Forward-only stream: no Position.");
        set => throw new NotSupportedException("Forward-only stream: no Position.");
    }

    /// <summary>Creates an empty stream that can only be written, forwards.</summary>
    /// <returns>The stream.</returns>
    public static ForwardOnlyStream ForWriting() => new();

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (writable)
        {
            throw new NotSupportedException("This forward-only stream is for writing.");
        }

        return inner.Read(buffer[..Math.Min(buffer.Length, MaxChunk)]);
    }

    /// <inheritdoc/>
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await Task.Yield();
        return Read(buffer.Span);
    }

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (!writable)
        {
            throw new NotSupportedException("This forward-only stream is for reading.");
        }

        inner.Write(buffer);
    }

    /// <inheritdoc/>
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await Task.Yield();
        Write(buffer.Span);
    }

    /// <inheritdoc/>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("Forward-only stream: no Seek.");

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException("Forward-only stream: no SetLength.");

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        IsDisposed = true;
        base.Dispose(disposing);
    }
}
