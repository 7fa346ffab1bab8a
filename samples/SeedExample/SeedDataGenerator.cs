using System.Diagnostics;
using System.Globalization;
using MultitaskLearning.Audio;
using NAudio.Wave;
using SkiaSharp;

namespace MultitaskLearning.Samples.SeedExample;

/// <summary>
/// Regenerates the sample's data from Debian packages (see generate-data.sh): Mandarin speech synthesised by
/// espeak-ng's <c>cmn</c> voice across voice variants, speeds and pitches (resampled to 16 kHz mono 16-bit), and
/// animal glyphs rendered from three fonts with seeded augmentation (rotation, scale, shift, brightness).
/// Writes manifests with the held-out split: two voice variants and one font are test-only.
/// </summary>
internal static class SeedDataGenerator
{
    public static readonly (string Text, string Label)[] Phrases = [("你好", "hello"), ("我好", "i am"), ("请问", "please"), ("谢谢", "thank")];
    public static readonly string[] Variants = ["m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f4", "f5"];
    public static readonly string[] TestVariants = ["m7", "f5"];

    public static readonly (string Label, string[] Glyphs)[] Animals =
    [
        ("cat", ["\U0001F408", "\U0001F431"]),
        ("dog", ["\U0001F415", "\U0001F436"]),
        ("bird", ["\U0001F426", "\U0001F424"]),
        ("fish", ["\U0001F41F", "\U0001F420"]),
    ];

    public static readonly (string Name, string Path)[] Fonts =
    [
        ("noto-color-emoji", "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"),
        ("unifont-upper", "/usr/share/fonts/opentype/unifont/unifont_upper.otf"),
        ("symbola", "/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf"),
    ];

    public const string TestFont = "unifont-upper";

    public static int Run(string output)
    {
        var speech = Path.Combine(output, "speech");
        var images = Path.Combine(output, "images");
        Directory.CreateDirectory(speech);
        Directory.CreateDirectory(images);
        GenerateSpeech(speech);
        GenerateImages(images);
        return 0;
    }

    private static void GenerateSpeech(string folder)
    {
        var rows = new List<string> { "path,text,voice,split" };
        var temporary = Path.Combine(Path.GetTempPath(), $"espeak-{Guid.NewGuid():N}.wav");
        var index = 0;
        foreach (var (text, label) in Phrases)
        {
            foreach (var variant in Variants)
            {
                foreach (var speed in new[] { 130, 170 })
                {
                    foreach (var pitch in new[] { 35, 65 })
                    {
                        var name = $"{label.Replace(' ', '-')}_{variant}_s{speed}_p{pitch}.wav";
                        Run("espeak-ng", ["-v", $"cmn+{variant}", "-s", speed.ToString(CultureInfo.InvariantCulture), "-p", pitch.ToString(CultureInfo.InvariantCulture), "-w", temporary, text]);
                        var clip = Resampler.Resample(WaveDecoder.Decode(temporary), 16_000);
                        using (var writer = new WaveFileWriter(Path.Combine(folder, name), new WaveFormat(16_000, 16, 1)))
                        {
                            writer.WriteSamples(clip.Samples, 0, clip.Samples.Length);
                        }

                        var split = TestVariants.Contains(variant) ? "test" : "train";
                        rows.Add($"{name},\"{text}\",{variant},{split}");
                        index++;
                    }
                }
            }
        }

        File.Delete(temporary);
        File.WriteAllLines(Path.Combine(folder, "manifest.csv"), rows);
        Console.WriteLine($"speech: {index} clips in {folder}");
    }

    private static void GenerateImages(string folder)
    {
        const int size = 48;
        var random = new Random(7);
        var rows = new List<string> { "path,label,font,split" };
        var count = 0;
        foreach (var (fontName, fontPath) in Fonts)
        {
            using var typeface = SKTypeface.FromFile(fontPath)
                ?? throw new FileNotFoundException($"Font '{fontPath}' is missing; run generate-data.sh, which installs it.");
            foreach (var (label, glyphs) in Animals)
            {
                for (var copy = 0; copy < 24; copy++)
                {
                    var glyph = glyphs[copy % glyphs.Length];
                    var name = $"{label}_{fontName}_{copy:D2}.png";
                    using var bitmap = new SKBitmap(size, size);
                    using (var canvas = new SKCanvas(bitmap))
                    {
                        canvas.Clear(SKColors.White);
                        canvas.Translate((size / 2f) + (float)((random.NextDouble() * 6) - 3), (size / 2f) + (float)((random.NextDouble() * 6) - 3));
                        canvas.RotateDegrees((float)((random.NextDouble() * 30) - 15));
                        var scale = 0.85f + (float)(random.NextDouble() * 0.3);
                        canvas.Scale(scale);
                        using var paint = new SKPaint
                        {
                            IsAntialias = true,
                            Color = new SKColor((byte)random.Next(0, 90), (byte)random.Next(0, 90), (byte)random.Next(0, 90)),
                        };
                        using var font = new SKFont(typeface, 34);
                        var width = font.MeasureText(glyph);
                        canvas.DrawText(glyph, -width / 2, 12, SKTextAlign.Left, font, paint);
                    }

                    using (var file = File.Create(Path.Combine(folder, name)))
                    {
                        bitmap.Encode(file, SKEncodedImageFormat.Png, 100);
                    }

                    rows.Add($"{name},{label},{fontName},{(fontName == TestFont ? "test" : "train")}");
                    count++;
                }
            }
        }

        File.WriteAllLines(Path.Combine(folder, "manifest.csv"), rows);
        Console.WriteLine($"images: {count} pictures in {folder}");
    }

    private static void Run(string program, string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}; run generate-data.sh, which installs it.");
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed: {process.StandardError.ReadToEnd()}");
        }
    }
}
