using SkiaSharp;

namespace MultitaskLearning.Vision;

/// <summary>Decodes PNG, JPEG, BMP, WebP (anything SkiaSharp reads) and turns it into a normalised [C, H, W] array.</summary>
public static class ImageDecoder
{
    /// <summary>Decodes and preprocesses an image file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Size, colour, normalisation and the largest image accepted (<see cref="ImageOptions.MaxPixels"/>).</param>
    /// <returns>Row-major [channels, height, width] values.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is empty, not a readable image, truncated or corrupt (only a
    /// complete decode is accepted), or its header declares more than <see cref="ImageOptions.MaxPixels"/> pixels;
    /// the message names the file and the problem.</exception>
    public static float[] Decode(string path, ImageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var decoded = DecodeBitmap(path, options);
        return FromBitmap(decoded, options);
    }

    /// <summary>Decodes an image file completely into a bitmap, after checking its header dimensions against
    /// <see cref="ImageOptions.MaxPixels"/>. A partial decode (truncated or corrupt data) is an error.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">The options (for the pixel limit).</param>
    /// <returns>The bitmap (the caller disposes it).</returns>
    internal static SKBitmap DecodeBitmap(string path, ImageOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(options);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Image file '{path}' does not exist.", path);
        }

        var length = new FileInfo(path).Length;
        if (length > Array.MaxLength)
        {
            throw new InvalidDataException($"Image file '{path}' is {length:N0} bytes, more than one image file can be ({Array.MaxLength:N0}).");
        }

        return DecodeBitmap(File.ReadAllBytes(path), path, options);
    }

    /// <summary>Decodes and preprocesses an image held in a stream (a blob, an embedded resource), read from its
    /// current position to its end; the stream may be non-seekable and is left open (the library never disposes a
    /// stream it is given).</summary>
    /// <param name="stream">A readable stream holding a PNG, JPEG, BMP, WebP or GIF image.</param>
    /// <param name="name">What the stream is, for error messages.</param>
    /// <param name="options">Size, colour, normalisation and the largest image accepted.</param>
    /// <returns>Row-major [channels, height, width] values.</returns>
    /// <exception cref="InvalidDataException">As for a file; the message names <paramref name="name"/>.</exception>
    public static float[] Decode(Stream stream, string name, ImageOptions options)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(options);
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        using var decoded = DecodeBitmap(memory.ToArray(), name, options);
        return FromBitmap(decoded, options);
    }

    /// <summary>Decodes and preprocesses an image held in a stream asynchronously, for streams from a network or a blob
    /// store: the stream is copied to memory asynchronously (from its current position to its end; it is left open),
    /// then decoded synchronously as <see cref="Decode(Stream, string, ImageOptions)"/> does.</summary>
    /// <param name="stream">A readable stream holding a PNG, JPEG, BMP, WebP or GIF image; it may be non-seekable.</param>
    /// <param name="name">What the stream is, for error messages.</param>
    /// <param name="options">Size, colour, normalisation and the largest image accepted.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>Row-major [channels, height, width] values.</returns>
    /// <exception cref="InvalidDataException">As for a file; the message names <paramref name="name"/>.</exception>
    public static async Task<float[]> DecodeAsync(Stream stream, string name, ImageOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(options);
        byte[] bytes;
        using (var memory = new MemoryStream())
        {
            await stream.CopyToAsync(memory, cancellationToken).ConfigureAwait(false);
            bytes = memory.ToArray();
        }

        using var decoded = DecodeBitmap(bytes, name, options);
        return FromBitmap(decoded, options);
    }

    private static SKBitmap DecodeBitmap(byte[] bytes, string path, ImageOptions options)
    {
        SkiaBackend.EnsureAvailable();
        if (bytes.Length == 0)
        {
            throw new InvalidDataException($"Image file '{path}' is empty.");
        }

        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data)
            ?? throw new InvalidDataException($"Image file '{path}' is not a readable image (PNG, JPEG, BMP, WebP, GIF).");

        // As SKBitmap.Decode(codec), but the header is checked before allocating and only a complete decode is accepted
        // (SKBitmap.Decode keeps an IncompleteInput decode, which leaves the missing part black).
        var info = codec.Info;
        var pixels = (long)info.Width * info.Height;
        if (info.Width < 1 || info.Height < 1)
        {
            throw new InvalidDataException($"Image file '{path}' declares {info.Width} × {info.Height} pixels; an image needs at least 1 × 1.");
        }

        if (pixels > options.MaxPixels)
        {
            throw new InvalidDataException(FormattableString.Invariant(
                $"Image file '{path}' declares {info.Width} × {info.Height} = {pixels:N0} pixels, more than the limit of {options.MaxPixels:N0} (ImageOptions.MaxPixels)."));
        }

        if (info.AlphaType == SKAlphaType.Unpremul)
        {
            info.AlphaType = SKAlphaType.Premul;
        }

        info.ColorSpace = null;
        var bitmap = new SKBitmap();
        try
        {
            if (!bitmap.TryAllocPixels(info))
            {
                throw new InvalidDataException(FormattableString.Invariant(
                    $"Image file '{path}' ({info.Width} × {info.Height} pixels) could not be decoded: there is not enough memory for its {info.BytesSize64:N0} bytes of pixels."));
            }

            var result = codec.GetPixels(info, bitmap.GetPixels());
            if (result != SKCodecResult.Success)
            {
                throw new InvalidDataException(result switch
                {
                    SKCodecResult.IncompleteInput => $"Image file '{path}' is truncated: its data ends before the whole {info.Width} × {info.Height} image is decoded (IncompleteInput).",
                    SKCodecResult.ErrorInInput => $"Image file '{path}' is corrupt: its data has an error before the whole {info.Width} × {info.Height} image is decoded (ErrorInInput).",
                    _ => $"Image file '{path}' could not be decoded: the decoder reported {result}.",
                });
            }

            return bitmap;
        }
        catch
        {
            bitmap.Dispose();
            throw;
        }
    }

    /// <summary>How images are resampled when resized: bilinear between bilinear mipmap levels, so that large
    /// reductions average every source pixel instead of skipping rows.</summary>
    internal static readonly SKSamplingOptions Resampling = new(SKFilterMode.Linear, SKMipmapMode.Linear);

    /// <summary>Preprocesses a bitmap: resize, drop alpha (composited on white), grey or RGB, scale to [0, 1], normalise.</summary>
    /// <param name="bitmap">The bitmap.</param>
    /// <param name="options">Size, colour and normalisation.</param>
    /// <returns>Row-major [channels, height, width] values.</returns>
    public static float[] FromBitmap(SKBitmap bitmap, ImageOptions options)
    {
        ArgumentNullException.ThrowIfNull(bitmap);
        ArgumentNullException.ThrowIfNull(options);
        using var resized = new SKBitmap(new SKImageInfo(options.Width, options.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using (var canvas = new SKCanvas(resized))
        using (var image = SKImage.FromBitmap(bitmap))
        using (var paint = new SKPaint { IsAntialias = true })
        {
            canvas.Clear(SKColors.White);
            canvas.DrawImage(image, new SKRect(0, 0, options.Width, options.Height), Resampling, paint);
        }

        var channels = options.Channels;
        var plane = options.Width * options.Height;
        var values = new float[channels * plane];
        for (var y = 0; y < options.Height; y++)
        {
            for (var x = 0; x < options.Width; x++)
            {
                var color = resized.GetPixel(x, y);
                var index = (y * options.Width) + x;
                if (options.Grayscale)
                {
                    var grey = ((0.299f * color.Red) + (0.587f * color.Green) + (0.114f * color.Blue)) / 255f;
                    values[index] = Normalize(options.InkThreshold is { } ink ? (grey < ink ? 1f : 0f) : grey, 0, options);
                }
                else
                {
                    values[index] = Normalize(color.Red / 255f, 0, options);
                    values[plane + index] = Normalize(color.Green / 255f, 1, options);
                    values[(2 * plane) + index] = Normalize(color.Blue / 255f, 2, options);
                }
            }
        }

        return values;
    }

    private static float Normalize(float value, int channel, ImageOptions options)
    {
        var mean = options.Mean.Count == 1 ? options.Mean[0] : options.Mean[channel];
        var sd = options.StandardDeviation.Count == 1 ? options.StandardDeviation[0] : options.StandardDeviation[channel];
        return (value - mean) / sd;
    }
}
