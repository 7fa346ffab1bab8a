namespace MultitaskLearning.Vision;

/// <summary>How images become tensors: size, colour and per-channel normalisation.</summary>
public sealed class ImageOptions
{
    /// <summary>Output width in pixels (images are resized to it).</summary>
    /// <value>Default 32. At least 1.</value>
    public int Width { get; set; } = 32;

    /// <summary>Output height in pixels.</summary>
    /// <value>Default 32. At least 1.</value>
    public int Height { get; set; } = 32;

    /// <summary>Whether to convert to one grey channel (luma 0.299 R + 0.587 G + 0.114 B) instead of three RGB channels.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool Grayscale { get; set; } = true;

    /// <summary>Per-channel mean subtracted after scaling pixels to [0, 1]; one value applies to every channel.</summary>
    /// <value>Default [0].</value>
    public IReadOnlyList<float> Mean { get; set; } = [0f];

    /// <summary>Per-channel standard deviation divided by after subtracting the mean.</summary>
    /// <value>Default [1]. Every value &gt; 0.</value>
    public IReadOnlyList<float> StandardDeviation { get; set; } = [1f];

    /// <summary>With <see cref="Grayscale"/>, turns the image into an ink mask: a pixel darker than this (in [0, 1]) becomes
    /// 1 and every other pixel 0, before normalisation. Useful when drawings differ in colour and fill but not in
    /// shape (emoji, pictograms, handwriting). <see langword="null"/> keeps grey levels.</summary>
    /// <value>Default <see langword="null"/>. In (0, 1) when set.</value>
    public float? InkThreshold { get; set; }

    /// <summary>The largest image accepted, in pixels (width × height as its header declares them, checked before any
    /// pixel memory is allocated; decoding needs 4 bytes a pixel). A larger image is bad input (an
    /// <see cref="InvalidDataException"/> naming the file and its dimensions, or skipped and reported). Not part of the
    /// feature cache key: it decides whether a file is accepted, not its values.</summary>
    /// <value>Default <see cref="DefaultMaxPixels"/> (64 megapixels, 256 MiB decoded). At least 1.</value>
    public long MaxPixels { get; set; } = DefaultMaxPixels;

    /// <summary>The default of <see cref="MaxPixels"/>: 64 × 2²⁰ = 67,108,864 pixels (for example 8192 × 8192).</summary>
    public const long DefaultMaxPixels = 64L * 1024 * 1024;

    /// <summary>Channels of the output: 1 or 3.</summary>
    public int Channels => Grayscale ? 1 : 3;

    /// <summary>The sample shape [channels, height, width].</summary>
    public int[] SampleShape => [Channels, Height, Width];

    /// <summary>A canonical description of the settings, part of the feature cache key.</summary>
    /// <returns>The description.</returns>
    public string Describe() => FormattableString.Invariant(
        $"w={Width};h={Height};gray={Grayscale};ink={InkThreshold};mean={string.Join('/', Mean)};std={string.Join('/', StandardDeviation)}");

    /// <summary>Checks every property and reports all problems at once.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (Width < 1 || Height < 1)
        {
            errors.Add($"Width and Height must be >= 1. Got {Width} × {Height} instead.");
        }

        if (Mean.Count is not 1 && Mean.Count != Channels)
        {
            errors.Add($"Mean needs 1 or {Channels} values. Got {Mean.Count} instead.");
        }

        if ((StandardDeviation.Count is not 1 && StandardDeviation.Count != Channels) || StandardDeviation.Any(s => !(s > 0)))
        {
            errors.Add($"StandardDeviation needs 1 or {Channels} values, each > 0. Got [{string.Join(", ", StandardDeviation)}] instead.");
        }

        if (MaxPixels < 1)
        {
            errors.Add($"MaxPixels must be >= 1. Got {MaxPixels} instead.");
        }

        if (InkThreshold is { } ink && (!Grayscale || !(ink > 0 && ink < 1)))
        {
            errors.Add($"InkThreshold needs Grayscale and a value in (0, 1). Got {ink} with Grayscale = {Grayscale} instead.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid image options: " + string.Join(" ", errors));
        }
    }
}
