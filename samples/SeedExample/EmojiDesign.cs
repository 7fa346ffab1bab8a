using System.Globalization;
using SkiaSharp;

namespace MultitaskLearning.Samples.SeedExample;

/// <summary>
/// One emoji design the generator draws from: a font file, or a folder of pictures named by code point
/// (<c>1F408.png</c>, as EmojiOne's set is).
/// </summary>
internal abstract class EmojiDesign : IDisposable
{
    /// <summary>Opens a font file or a picture folder.</summary>
    public static EmojiDesign Open(string family, string path) =>
        Directory.Exists(path) ? new PictureFolder(family, path)
        : File.Exists(path) ? new Font(SeedDataGenerator.Load(path, 0))
        : throw new FileNotFoundException($"The emoji design '{family}' is missing at '{path}'; run generate-data.sh, which installs or extracts it.", path);

    /// <summary>Whether the design draws this emoji (one code point).</summary>
    public abstract bool Has(string glyph);

    /// <summary>The emoji's art; the caller disposes it.</summary>
    public abstract GlyphArt Art(string glyph);

    /// <inheritdoc/>
    public abstract void Dispose();

    private sealed class Font(SKTypeface typeface) : EmojiDesign
    {
        public override bool Has(string glyph) => typeface.ContainsGlyphs(glyph);

        public override GlyphArt Art(string glyph) => GlyphArt.Of(typeface, glyph);

        public override void Dispose() => typeface.Dispose();
    }

    private sealed class PictureFolder(string family, string folder) : EmojiDesign
    {
        private string PathOf(string glyph) =>
            Path.Combine(folder, char.ConvertToUtf32(glyph, 0).ToString("X4", CultureInfo.InvariantCulture) + ".png");

        public override bool Has(string glyph) => File.Exists(PathOf(glyph));

        public override GlyphArt Art(string glyph)
        {
            var path = PathOf(glyph);
            var bitmap = SKBitmap.Decode(path) ?? throw new InvalidDataException($"The {family} picture '{path}' is not a readable image.");
            return GlyphArt.Of(bitmap, $"{family} picture {Path.GetFileName(path)}");
        }

        public override void Dispose()
        {
        }
    }
}
