using SkiaSharp;

namespace MultitaskLearning.Vision;

/// <summary>
/// Seeded augmentation of training images: each copy is a random crop (scale and shift), an optional horizontal flip,
/// a small rotation and brightness/contrast jitter, drawn with SkiaSharp before the usual resizing and normalisation.
/// Copies are made once, when the dataset is built.
/// </summary>
public sealed class ImageAugmentation
{
    /// <summary>Augmented copies per training file.</summary>
    /// <value>Default 1. At least 0.</value>
    public int Copies { get; set; } = 1;

    /// <summary>The largest rotation, either way, in degrees.</summary>
    /// <value>Default 10.</value>
    public double MaxRotationDegrees { get; set; } = 10;

    /// <summary>The largest shift, as a fraction of the image size.</summary>
    /// <value>Default 0.1.</value>
    public double MaxShift { get; set; } = 0.1;

    /// <summary>The crop scale range: the image is zoomed by a factor in [1 − this, 1 + this].</summary>
    /// <value>Default 0.15.</value>
    public double MaxScale { get; set; } = 0.15;

    /// <summary>Whether half the copies are mirrored left to right (wrong for text and digits).</summary>
    /// <value>Default <see langword="false"/>.</value>
    public bool HorizontalFlip { get; set; }

    /// <summary>Brightness and contrast jitter: pixel values become c·(v − 0.5) + 0.5 + b with c ∈ [1 − j, 1 + j], b ∈ [−j/2, j/2].</summary>
    /// <value>Default 0.2.</value>
    public double ColorJitter { get; set; } = 0.2;

    /// <summary>The seed.</summary>
    /// <value>Default 0.</value>
    public int Seed { get; set; }

    /// <summary>One augmented sample of an image file.</summary>
    /// <param name="path">The image.</param>
    /// <param name="options">Size, colour and normalisation of the output.</param>
    /// <param name="random">The seeded generator of this copy.</param>
    /// <returns>Row-major [C, H, W] values.</returns>
    public float[] Apply(string path, ImageOptions options, Random random)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        using var source = ImageDecoder.DecodeBitmap(path, options);
        using var canvasBitmap = new SKBitmap(source.Width, source.Height);
        using (var canvas = new SKCanvas(canvasBitmap))
        using (var image = SKImage.FromBitmap(source))
        using (var paint = new SKPaint { IsAntialias = true })
        {
            canvas.Clear(SKColors.White);
            var scale = 1 + (((random.NextDouble() * 2) - 1) * MaxScale);
            var dx = ((random.NextDouble() * 2) - 1) * MaxShift * source.Width;
            var dy = ((random.NextDouble() * 2) - 1) * MaxShift * source.Height;
            var angle = ((random.NextDouble() * 2) - 1) * MaxRotationDegrees;
            canvas.Translate((float)((source.Width / 2.0) + dx), (float)((source.Height / 2.0) + dy));
            canvas.RotateDegrees((float)angle);
            canvas.Scale((float)(HorizontalFlip && random.Next(2) == 1 ? -scale : scale), (float)scale);
            canvas.DrawImage(image, -source.Width / 2f, -source.Height / 2f, ImageDecoder.Resampling, paint);
        }

        var contrast = 1 + (((random.NextDouble() * 2) - 1) * ColorJitter);
        var brightness = ((random.NextDouble() * 2) - 1) * ColorJitter / 2;
        using var jittered = new SKBitmap(canvasBitmap.Width, canvasBitmap.Height);
        for (var y = 0; y < canvasBitmap.Height; y++)
        {
            for (var x = 0; x < canvasBitmap.Width; x++)
            {
                var c = canvasBitmap.GetPixel(x, y);
                byte Jitter(byte v) => (byte)Math.Clamp(Math.Round(255 * ((contrast * ((v / 255.0) - 0.5)) + 0.5 + brightness)), 0, 255);
                jittered.SetPixel(x, y, new SKColor(Jitter(c.Red), Jitter(c.Green), Jitter(c.Blue)));
            }
        }

        return ImageDecoder.FromBitmap(jittered, options);
    }
}
