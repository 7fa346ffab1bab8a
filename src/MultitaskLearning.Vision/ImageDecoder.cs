using SkiaSharp;

namespace MultitaskLearning.Vision;

/// <summary>Decodes PNG, JPEG, BMP, WebP (anything SkiaSharp reads) and turns it into a normalised [C, H, W] array.</summary>
public static class ImageDecoder
{
    /// <summary>Decodes and preprocesses an image file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Size, colour and normalisation.</param>
    /// <returns>Row-major [channels, height, width] values.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is empty or not a readable image; the message names it.</exception>
    public static float[] Decode(string path, ImageOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(options);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Image file '{path}' does not exist.", path);
        }

        var bytes = File.ReadAllBytes(path);
        if (bytes.Length == 0)
        {
            throw new InvalidDataException($"Image file '{path}' is empty.");
        }

        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data)
            ?? throw new InvalidDataException($"Image file '{path}' is not a readable image (PNG, JPEG, BMP, WebP, GIF).");
        using var decoded = SKBitmap.Decode(codec)
            ?? throw new InvalidDataException($"Image file '{path}' could not be decoded; it may be truncated.");
        return FromBitmap(decoded, options);
    }

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
        using (var paint = new SKPaint { FilterQuality = SKFilterQuality.High, IsAntialias = true })
        {
            canvas.Clear(SKColors.White);
            canvas.DrawBitmap(bitmap, new SKRect(0, 0, options.Width, options.Height), paint);
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
