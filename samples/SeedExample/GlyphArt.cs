using SkiaSharp;

namespace MultitaskLearning.Samples.SeedExample;

/// <summary>One glyph or picture the generator can draw: its bounds in its own coordinates and how to draw it there.</summary>
internal abstract class GlyphArt : IDisposable
{
    /// <summary>The size glyphs are measured and drawn at before the generator scales them to the image.</summary>
    protected const float ReferenceSize = 80;

    /// <summary>Where the art lies when drawn at the origin (before the generator measures its ink).</summary>
    public abstract SKRect Bounds { get; }

    /// <summary>A character of a font.</summary>
    public static GlyphArt Of(SKTypeface typeface, string text) => new FontGlyph(typeface, text);

    /// <summary>
    /// A picture (the caller passes ownership), cropped to its visible pixels and drawn with its longer side at the reference
    /// size, keeping its aspect ratio.
    /// </summary>
    public static GlyphArt Of(SKBitmap picture, string description) => new Picture(Crop(picture, description), description);

    private static SKBitmap Crop(SKBitmap picture, string description)
    {
        int left = picture.Width, top = picture.Height, right = -1, bottom = -1;
        for (var y = 0; y < picture.Height; y++)
        {
            for (var x = 0; x < picture.Width; x++)
            {
                if (picture.GetPixel(x, y).Alpha > 8)
                {
                    (left, right, top, bottom) = (Math.Min(left, x), Math.Max(right, x), Math.Min(top, y), Math.Max(bottom, y));
                }
            }
        }

        if (right < 0)
        {
            picture.Dispose();
            throw new InvalidDataException($"{description} has no visible pixels.");
        }

        var cropped = new SKBitmap();
        if (!picture.ExtractSubset(cropped, new SKRectI(left, top, right + 1, bottom + 1)))
        {
            throw new InvalidOperationException($"Could not crop {description}.");
        }

        var copy = cropped.Copy();
        cropped.Dispose();
        picture.Dispose();
        return copy;
    }

    /// <summary>Draws the art at the origin with the canvas's current transform.</summary>
    public abstract void Draw(SKCanvas canvas, SKPaint paint);

    /// <inheritdoc/>
    public abstract void Dispose();

    private sealed class FontGlyph(SKTypeface typeface, string text) : GlyphArt
    {
        private readonly SKFont font = new(typeface, ReferenceSize);

        public override SKRect Bounds
        {
            get
            {
                font.MeasureText(text, out var bounds);
                return bounds;
            }
        }

        public override void Draw(SKCanvas canvas, SKPaint paint) => canvas.DrawText(text, 0, 0, SKTextAlign.Left, font, paint);

        public override void Dispose() => font.Dispose();

        public override string ToString() => $"'{text}' in {typeface.FamilyName}";
    }

    private sealed class Picture(SKBitmap bitmap, string description) : GlyphArt
    {
        private readonly SKImage image = SKImage.FromBitmap(bitmap);

        public override SKRect Bounds
        {
            get
            {
                var scale = ReferenceSize / Math.Max(bitmap.Width, bitmap.Height);
                return new SKRect(0, 0, bitmap.Width * scale, bitmap.Height * scale);
            }
        }

        public override void Draw(SKCanvas canvas, SKPaint paint) =>
            canvas.DrawImage(image, Bounds, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear), paint);

        public override void Dispose()
        {
            image.Dispose();
            bitmap.Dispose();
        }

        public override string ToString() => description;
    }
}
