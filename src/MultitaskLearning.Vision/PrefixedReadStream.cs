namespace MultitaskLearning.Vision;

/// <summary>A forward-only, read-only view that yields some bytes already taken from a stream (to recognise its format)
/// and then the rest of that stream. It does not own the inner stream: disposing it leaves the inner stream open.</summary>
internal sealed class PrefixedReadStream : Stream
{
    private readonly Stream inner;
    private ReadOnlyMemory<byte> prefix;

    /// <summary>Creates the view.</summary>
    /// <param name="prefix">The bytes already read from <paramref name="inner"/>, yielded first.</param>
    /// <param name="inner">The stream they came from, read after them; not disposed by this view.</param>
    public PrefixedReadStream(ReadOnlyMemory<byte> prefix, Stream inner)
    {
        this.prefix = prefix;
        this.inner = inner;
    }

    /// <inheritdoc/>
    public override bool CanRead => true;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanWrite => false;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    /// <inheritdoc/>
    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        if (!prefix.IsEmpty)
        {
            var count = Math.Min(prefix.Length, buffer.Length);
            prefix.Span[..count].CopyTo(buffer);
            prefix = prefix[count..];
            return count;
        }

        return inner.Read(buffer);
    }

    /// <inheritdoc/>
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        if (!prefix.IsEmpty)
        {
            var count = Math.Min(prefix.Length, buffer.Length);
            prefix[..count].CopyTo(buffer);
            prefix = prefix[count..];
            return count;
        }

        return await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <inheritdoc/>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
