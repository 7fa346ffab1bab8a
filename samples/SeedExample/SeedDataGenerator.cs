using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using MultitaskLearning.Audio;
using NAudio.Wave;
using SkiaSharp;

namespace MultitaskLearning.Samples.SeedExample;

/// <summary>
/// Regenerates the sample's data from Debian packages (see generate-data.sh and INVENTORY.md):
/// <list type="bullet">
/// <item>speech: the four Mandarin phrases from espeak-ng's <c>cmn</c> voice with each of its 100 distinct voice variants,
/// random speed, pitch and time shift, and additive generated noise (white, pink, brown or babble) at 20, 10 or 5 dB SNR
/// or none; held-out voices get only the held-out noise type (from split.json), the others only the other types;</item>
/// <item>images: 猫 狗 鸟 鱼 from 29 Chinese font faces, animal emoji/symbols from seven emoji designs (six fonts and one
/// picture set) and public-domain animal drawings, rendered at 32 × 32 in grey with random size, position, rotation,
/// stroke weight and ink.</item>
/// </list>
/// Everything is seeded: the same packages give the same files.
/// </summary>
internal static class SeedDataGenerator
{
    public static readonly (string Text, string Label)[] Phrases = [("你好", "hello"), ("我好", "i am"), ("请问", "please"), ("谢谢", "thank")];

    public static readonly (string Label, string Character)[] Characters = [("cat", "猫"), ("dog", "狗"), ("bird", "鸟"), ("fish", "鱼")];

    /// <summary>
    /// Animal emoji and symbols per class; each design draws the ones it has (INVENTORY.md lists which). Birds and fish
    /// come in more kinds than cats and dogs, so their classes hold more code points.
    /// </summary>
    public static readonly (string Label, string[] Glyphs)[] Animals =
    [
        ("cat", ["\U0001F408", "\U0001F431", "\U0001F63A"]),
        ("dog", ["\U0001F415", "\U0001F436", "\U0001F429"]),
        ("bird", ["\U0001F426", "\U0001F424", "\U0001F54A", "\U0001F985", "\U0001F986", "\U0001F989", "\U0001F427"]),
        ("fish", ["\U0001F41F", "\U0001F420", "\U0001F421", "\U0001F988"]),
    ];

    /// <summary>The noise types; the one named in split.json is test-only.</summary>
    public static readonly string[] NoiseTypes = ["white", "pink", "brown", "babble"];

    private static readonly int[] SignalToNoiseRatios = [20, 10, 5];

    /// <summary>espeak-ng variants that sound identical to another variant for cmn (same output bytes as klatt).</summary>
    private static readonly string[] DuplicateVariants = ["caleb", "klatt6"];

    private const string NotoCjk = "/usr/share/fonts/opentype/noto/";

    /// <summary>Chinese font faces: (family, face, file, index in a collection).</summary>
    public static readonly (string Family, string Face, string Path, int Index)[] ChineseFaces =
    [
        .. new[] { "Thin", "Light", "DemiLight", "Regular", "Medium", "Bold", "Black" }.Select(w => ("noto-sans-cjk", $"noto-sans-cjk-{w.ToLowerInvariant()}", $"{NotoCjk}NotoSansCJK-{w}.ttc", 2)),
        .. new[] { "ExtraLight", "Light", "Regular", "Medium", "SemiBold", "Bold", "Black" }.Select(w => ("noto-serif-cjk", $"noto-serif-cjk-{w.ToLowerInvariant()}", $"{NotoCjk}NotoSerifCJK-{w}.ttc", 2)),
        ("arphic-ukai", "arphic-ukai", "/usr/share/fonts/truetype/arphic/ukai.ttc", 0),
        ("arphic-uming", "arphic-uming", "/usr/share/fonts/truetype/arphic/uming.ttc", 0),
        ("arphic-gkai00mp", "arphic-gkai00mp", "/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf", 0),
        ("arphic-gbsn00lp", "arphic-gbsn00lp", "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf", 0),
        ("wqy-zenhei", "wqy-zenhei", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
        ("wqy-microhei", "wqy-microhei", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
        ("droid-sans-fallback", "droid-sans-fallback", "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
        .. new[] { "Light", "Regular", "Bold" }.Select(w => ("lxgw-wenkai", $"lxgw-wenkai-{w.ToLowerInvariant()}", $"/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-{w}.ttf", 0)),
        ("smiley-sans", "smiley-sans", "/usr/share/fonts/truetype/smiley-sans/SmileySans-Oblique.ttf", 0),
        ("hanazono", "hanazono-mincho-a", "/usr/share/fonts/truetype/hanazono/HanaMinA.ttf", 0),
        ("cns11643-kai", "cns11643-kai", "/usr/share/fonts/truetype/cns11643/TW-Kai-98_1.ttf", 0),
        ("cns11643-sung", "cns11643-sung", "/usr/share/fonts/truetype/cns11643/TW-Sung-98_1.ttf", 0),
        ("unifont", "unifont", "/usr/share/fonts/opentype/unifont/unifont.otf", 0),
    ];

    /// <summary>
    /// Emoji designs: (family, font file or picture folder, whether its glyphs are monochrome outlines, the glyphs per class
    /// when they are not <see cref="Animals"/>). Paths starting with <c>assets/</c> are inside the folder that
    /// generate-data.sh extracts from packages it downloads without installing them (Twemoji Mozilla from firefox-esr,
    /// EmojiOne's 64-px PNGs named by code point from ruby-gemojione, Font Awesome Free's solid icon font from
    /// node-fortawesome-fontawesome-free).
    /// </summary>
    public static readonly (string Family, string Path, bool Monochrome, (string Label, string[] Glyphs)[]? Glyphs)[] EmojiDesigns =
    [
        ("noto-color-emoji", "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf", false, null),
        ("symbola", "/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf", true, null),
        ("unifont-upper", "/usr/share/fonts/opentype/unifont/unifont_upper.otf", true, null),
        ("noto-sans-symbols2", "/usr/share/fonts/truetype/noto/NotoSansSymbols2-Regular.ttf", true, null),
        ("twemoji", "assets/TwemojiMozilla.ttf", false, null),
        ("emojione", "assets/emojione-png", false, null),
        // Icons at private-use code points (Font Awesome 6.7.2's CSS names them): cat, dog, dove, crow, kiwi-bird, fish, fish-fins.
        ("font-awesome", "assets/fa-solid-900.ttf", true, [("cat", ["\uF6BE"]), ("dog", ["\uF6D3"]), ("bird", ["\uF4BA", "\uF520", "\uF535"]), ("fish", ["\uF578", "\uE4F2"])]),
    ];

    /// <summary>
    /// Public-domain drawings of single animals from Open Clip Art (package openclipart-png, folder png/animals), chosen by
    /// eye: no scenes, no second animal, no costume. Training only: they add designs the emoji fonts lack.
    /// </summary>
    public static readonly (string Label, string[] Files)[] Drawings =
    [
        ("cat", [
            "mammals/housecats/gatto_cat_architetto_fra_01.png", "mammals/housecats/gatto_cat_architetto_fra_02.png",
            "mammals/housecats/gatto_cat_architetto_fra_03.png", "mammals/housecats/gatto_cat_architetto_fra_04.png",
            "mammals/housecats/kitten_gerald_g._01.png", "mammals/housecats/sleeping_cat_rgolan_sup_r.png",
            "mammals/housecats/sleeping_cat_ron_golan_01.png", "mammals/cartoon_cat_gerald_g._01.png",
            "mammals/cartoon_cat_gerald_g._02.png",
        ]),
        ("dog", [
            "mammals/dogs/beagle_copper_ganson.png", "mammals/dogs/black_lab_ganson.png", "mammals/dogs/bobi_architetto_francesc_01.png",
            "mammals/dogs/bored_dog_01.png", "mammals/dogs/dog_head_nicu_buculei_01.png", "mammals/dogs/dog_head_nicu_buculei_02.png",
            "mammals/dog_01_drawn_with_strai_01.png", "mammals/dog_01_drawn_with_strai_03.png", "mammals/dog_03_drawn_with_strai_01.png",
            "mammals/dog_03_drawn_with_strai_02.png", "mammals/dog_04_drawn_with_strai_01.png", "mammals/dog_04_drawn_with_strai_02.png",
            "mammals/dog_05_drawn_with_strai_01.png", "mammals/dog_05_drawn_with_strai_02.png", "mammals/dog_06_drawn_with_strai_01.png",
            "mammals/dog_06_drawn_with_strai_02.png", "mammals/dog_on_leash_gerald_g._01.png",
        ]),
        ("bird", [
            "birds/acquila_architetto_franc_01.png", "birds/acquila_architetto_franc_02.png", "birds/acquila_architetto_franc_03.png",
            "birds/aquila_frontale_architet_01.png", "birds/bird_of_peace_mauro_oliv_01.png", "birds/cigno_architetto_frances_01.png",
            "birds/cigno_di_spalle_architet_01.png", "birds/cormorant-md.png", "birds/crow_01.png", "birds/dove_symbol.png",
            "birds/duck_yellow_kurt_cagle_.png", "birds/eagle_01.png", "birds/emperor_penguin_ralf_ste_01.png",
            "birds/flamand_bw_jean-victor_b_01.png", "birds/flamand_jean-victor_bali_01.png", "birds/gabbiano_architetto_fran_01.png",
            "birds/gallo_di_profilo_archite_01.png", "birds/gufo_civetta_architetto__01.png", "birds/gull_marcelo_staudt_01.png",
            "birds/hen_01.png", "birds/jonathon_s_duck_01.png", "birds/new_penguin_charles_mcco_01.png", "birds/owl_on_branch_ganson.png",
            "birds/pollo_architetto_frances_01.png", "birds/puffin-md.png", "birds/ralf_ark.in-berlin.de_ra_01.png",
            "birds/rooster_01.png", "birds/seagull_contour_nicu_buc_01.png", "birds/seagull_nicu_buculei_01.png",
            "birds/simbolo_egizio_architett_01.png", "birds/tacchino_architetto_fran_01.png", "birds/uccello_bianco_e_nero_ar_01.png",
            "birds/uccello_profilo_01_archi_01.png", "birds/uccello_profilo_02_archi_01.png",
        ]),
        ("fish", [
            "fish/altum_angelfish_01.png", "fish/arctic_greyling_ganson.png", "fish/bofish_massimo_aiello_r.png",
            "fish/brown_fish_01.png", "fish/clown_loach_01.png", "fish/giraffe_cichlid_01.png",
            "fish/pescetto_arancione_archi_01.png", "fish/yellow_gourami_01.png",
        ]),
    ];

    private const int RendersPerDrawingClass = 48;

    private const int ImageSize = 32;
    private const int RendersPerCharacter = 8;
    private const int RendersPerEmojiClass = 24;
    private const int SampleRate = 16_000;

    /// <summary>Every clip is this long (noise fills all of it), so the features see no silent padding.</summary>
    public const double ClipSeconds = 0.9;

    /// <summary>Other Mandarin speech for babble noise (not the four phrases).</summary>
    private const string BabbleText = "今天的天气非常好，我们一起去公园散步吧。火车站离这里不远，走路十分钟就到了。这本书很有意思，他昨天看了一个晚上。明天上午九点开会，别忘了带电脑。";

    /// <summary>Writes speech/ and images/ (or only the one <paramref name="only"/> names) under <paramref name="output"/>.</summary>
    public static int Run(string output, string assets, string? only)
    {
        var split = SeedSplit.Read(output);
        if (only != "images")
        {
            var speech = Path.Combine(output, "speech");
            Directory.CreateDirectory(speech);
            GenerateSpeech(speech, split);
        }

        if (only != "speech")
        {
            var images = Path.Combine(output, "images");
            Directory.CreateDirectory(images);
            GenerateImages(images, split, assets);
        }

        return 0;
    }

    /// <summary>The cmn voice variants with distinct output, "base" for the plain voice.</summary>
    public static IReadOnlyList<string> Voices()
    {
        var folder = "/usr/lib/x86_64-linux-gnu/espeak-ng-data/voices/!v";
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"espeak-ng's variant folder '{folder}' is missing; run generate-data.sh, which installs espeak-ng.");
        }

        return Directory.GetFiles(folder).Select(Path.GetFileName).OfType<string>().Except(DuplicateVariants).Append("base")
            .Order(StringComparer.OrdinalIgnoreCase).ToArray();
    }

    private static void GenerateSpeech(string folder, SeedSplit split)
    {
        var voices = Voices();
        var unknown = split.TestVoices.Except(voices).ToArray();
        if (unknown.Length > 0 || !NoiseTypes.Contains(split.TestNoise))
        {
            throw new InvalidDataException($"split.json names unknown voices ({string.Join(", ", unknown)}) or noise '{split.TestNoise}' (known: {string.Join(", ", NoiseTypes)}).");
        }

        var random = new Random(11);
        var babble = MakeBabble(voices.Where(v => !split.TestVoices.Contains(v)).ToArray(), random);
        var trainingNoise = NoiseTypes.Where(n => n != split.TestNoise).Prepend("none").ToArray();
        var rows = new List<string> { "path,text,voice,speed,pitch,noise,snr,shift_ms" };
        foreach (var voice in voices)
        {
            var isTest = split.TestVoices.Contains(voice);
            foreach (var (text, label) in Phrases)
            {
                // A training voice says each phrase once, with a random training noise; a test voice says it once per SNR
                // with the held-out noise.
                var renderings = isTest
                    ? SignalToNoiseRatios.Select(snr => (Noise: split.TestNoise, Snr: (int?)snr)).ToArray()
                    : [(Noise: trainingNoise[random.Next(trainingNoise.Length)], Snr: (int?)SignalToNoiseRatios[random.Next(SignalToNoiseRatios.Length)])];
                foreach (var (noise, drawnSnr) in renderings)
                {
                    var snr = noise == "none" ? null : drawnSnr;
                    var speed = 175 + (25 * random.Next(3));
                    var pitch = 20 + (15 * random.Next(5));
                    var speechSamples = Trim(Synthesize(text, voice, speed, pitch));
                    var window = (int)(ClipSeconds * SampleRate);
                    var room = Math.Max(0, window - speechSamples.Length);
                    var shift = random.Next(Math.Min(room, SampleRate / 10) + 1);
                    var clip = new float[window];
                    Array.Copy(speechSamples, 0, clip, shift, Math.Min(speechSamples.Length, window - shift));
                    if (snr is int ratio)
                    {
                        AddNoise(clip, speechSamples, Noise(noise, window, babble, random), ratio);
                    }

                    var peak = clip.Max(Math.Abs);
                    var gain = (0.4f + (0.5f * (float)random.NextDouble())) / Math.Max(peak, 1e-6f);
                    for (var i = 0; i < clip.Length; i++)
                    {
                        clip[i] *= gain;
                    }

                    var name = $"{label.Replace(' ', '-')}_{voice.Replace(' ', '-')}_{noise}{(snr is null ? string.Empty : $"{snr}")}.wav";
                    using (var writer = new WaveFileWriter(Path.Combine(folder, name), new WaveFormat(SampleRate, 16, 1)))
                    {
                        writer.WriteSamples(clip, 0, clip.Length);
                    }

                    rows.Add(string.Create(CultureInfo.InvariantCulture, $"{name},\"{text}\",{voice},{speed},{pitch},{noise},{(snr is null ? "clean" : snr.ToString())},{shift * 1000 / SampleRate}"));
                }
            }
        }

        File.WriteAllLines(Path.Combine(folder, "manifest.csv"), rows);
        Console.WriteLine($"speech: {rows.Count - 1} clips in {folder}");
    }

    private static float[] Synthesize(string text, string voice, int speed, int pitch)
    {
        var temporary = Path.Combine(Path.GetTempPath(), $"espeak-{Guid.NewGuid():N}.wav");
        try
        {
            Run("espeak-ng", ["-v", voice == "base" ? "cmn" : $"cmn+{voice}", "-s", speed.ToString(CultureInfo.InvariantCulture), "-p", pitch.ToString(CultureInfo.InvariantCulture), "-w", temporary, text]);
            return Resampler.Resample(WaveDecoder.Decode(temporary), SampleRate).Samples;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Cuts leading and trailing near-silence (below 1 % of full scale).</summary>
    private static float[] Trim(float[] samples)
    {
        var first = Array.FindIndex(samples, s => Math.Abs(s) > 0.01f);
        var last = Array.FindLastIndex(samples, s => Math.Abs(s) > 0.01f);
        return first < 0 ? samples : samples[first..(last + 1)];
    }

    /// <summary>Adds noise scaled so that speech power (over the speech itself) / noise power = SNR in dB.</summary>
    private static void AddNoise(float[] clip, float[] speech, float[] noise, int snr)
    {
        var speechPower = speech.Average(s => (double)s * s);
        var noisePower = noise.Average(s => (double)s * s);
        var scale = (float)Math.Sqrt(speechPower / (noisePower * Math.Pow(10, snr / 10.0)));
        for (var i = 0; i < clip.Length; i++)
        {
            clip[i] += scale * noise[i];
        }
    }

    private static float[] Noise(string type, int length, float[] babble, Random random)
    {
        var result = new float[length];
        switch (type)
        {
            case "white":
                for (var i = 0; i < length; i++)
                {
                    result[i] = Gaussian(random);
                }

                break;
            case "pink":
                // Paul Kellet's economy filter: white noise through three first-order low-pass stages, about −3 dB/octave.
                double b0 = 0, b1 = 0, b2 = 0;
                for (var i = 0; i < length; i++)
                {
                    var white = Gaussian(random);
                    b0 = (0.99765 * b0) + (white * 0.0990460);
                    b1 = (0.96300 * b1) + (white * 0.2965164);
                    b2 = (0.57000 * b2) + (white * 1.0526913);
                    result[i] = (float)(b0 + b1 + b2 + (white * 0.1848));
                }

                break;
            case "brown":
                // Leaky integration of white noise: about −6 dB/octave above a few Hz.
                double level = 0;
                for (var i = 0; i < length; i++)
                {
                    level = (0.995 * level) + (0.1 * Gaussian(random));
                    result[i] = (float)level;
                }

                var mean = result.Average();
                for (var i = 0; i < length; i++)
                {
                    result[i] -= mean;
                }

                break;
            case "babble":
                var start = random.Next(babble.Length - length);
                Array.Copy(babble, start, result, 0, length);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown noise type.");
        }

        return result;
    }

    /// <summary>Six training voices reading other Mandarin text, each from a random point, summed: a babble track.</summary>
    private static float[] MakeBabble(IReadOnlyList<string> voices, Random random)
    {
        float[]? sum = null;
        for (var talker = 0; talker < 6; talker++)
        {
            var talk = Trim(Synthesize(BabbleText, voices[random.Next(voices.Count)], 160 + random.Next(60), 20 + random.Next(60)));
            sum ??= new float[talk.Length];
            var offset = random.Next(talk.Length);
            for (var i = 0; i < sum.Length; i++)
            {
                sum[i] += talk[(i + offset) % talk.Length];
            }
        }

        return sum!;
    }

    private static float Gaussian(Random random) =>
        (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));

    private static void GenerateImages(string folder, SeedSplit split, string assets)
    {
        var random = new Random(7);
        var rows = new List<string> { "path,label,kind,font,face,glyph,style" };
        foreach (var (family, face, path, index) in ChineseFaces)
        {
            using var typeface = Load(path, index);
            foreach (var (label, character) in Characters)
            {
                for (var copy = 0; copy < RendersPerCharacter; copy++)
                {
                    var name = $"{label}_{face}_{copy:D2}.png";
                    using var art = GlyphArt.Of(typeface, character);
                    Render(art, Path.Combine(folder, name), random, strokable: true, outline: false);
                    rows.Add($"{name},{label},character,{family},{face},U+{char.ConvertToUtf32(character, 0):X4},filled");
                }
            }
        }

        foreach (var (family, location, monochrome, ownGlyphs) in EmojiDesigns)
        {
            var path = location.StartsWith("assets/", StringComparison.Ordinal) ? Path.Combine(assets, location["assets/".Length..]) : location;
            using var design = EmojiDesign.Open(family, path);
            foreach (var (label, glyphs) in ownGlyphs ?? Animals)
            {
                var available = glyphs.Where(design.Has).ToArray();
                if (available.Length == 0)
                {
                    throw new InvalidDataException($"The emoji design '{family}' ({path}) has none of the {label} glyphs.");
                }

                for (var copy = 0; copy < RendersPerEmojiClass; copy++)
                {
                    var glyph = available[copy % available.Length];
                    // Half the renderings of a training design keep only the contour: line drawings as well as
                    // silhouettes. A test design is drawn as it is.
                    var training = !split.TestFonts.Contains(family);
                    var outline = training && (copy / 3) % 2 == 1;
                    var name = $"{label}_{family}_{copy:D2}.png";
                    using var art = design.Art(glyph);
                    Render(art, Path.Combine(folder, name), random, strokable: monochrome, outline);
                    rows.Add($"{name},{label},emoji,{family},{family},U+{char.ConvertToUtf32(glyph, 0):X4},{(outline ? "contour" : "filled")}");
                }
            }
        }

        foreach (var (label, files) in Drawings)
        {
            for (var copy = 0; copy < RendersPerDrawingClass; copy++)
            {
                var file = files[copy % files.Length];
                var path = Path.Combine(assets, "openclipart", file);
                using var art = GlyphArt.Of(
                    SKBitmap.Decode(path) ?? throw new InvalidDataException($"The Open Clip Art picture '{path}' is missing or unreadable; run generate-data.sh, which extracts it."),
                    $"Open Clip Art picture {file}");
                var outline = (copy / 3) % 2 == 1;
                var name = $"{label}_openclipart_{copy:D2}.png";
                Render(art, Path.Combine(folder, name), random, strokable: false, outline);
                rows.Add($"{name},{label},drawing,openclipart,{Path.GetFileNameWithoutExtension(file)},,{(outline ? "contour" : "filled")}");
            }
        }

        File.WriteAllLines(Path.Combine(folder, "manifest.csv"), rows);
        Console.WriteLine($"images: {rows.Count - 1} pictures in {folder}");
    }

    internal static SKTypeface Load(string path, int index) =>
        SKTypeface.FromFile(path, index) ?? throw new FileNotFoundException($"Font '{path}' is missing; run generate-data.sh, which installs it.", path);

    /// <summary>
    /// Draws one glyph or picture at 4× resolution and box-filters it to 32 × 32: its ink box (measured from the pixels, so colour
    /// emoji with wide bitmap boxes are treated like outlines) scaled to 20–30 px on the longer side, centred within ±3 px,
    /// rotated by up to ±8°, with a stroke of 0–1.2 px around monochrome vector outlines (bolder) and a dark ink. With
    /// <paramref name="outline"/> only the contour of the ink is kept (1–1.5 px wide), which turns filled silhouettes into line
    /// drawings. Saved as 8-bit grey PNG.
    /// </summary>
    private static void Render(GlyphArt art, string path, Random random, bool strokable, bool outline)
    {
        const int factor = 4;
        const int large = ImageSize * factor;
        var metrics = art.Bounds;
        var ink = Draw(art, SKMatrix.CreateTranslation((large / 2f) - metrics.MidX, (large / 2f) - metrics.MidY), 0, 0);
        var box = InkBox(ink, large) ?? throw new InvalidOperationException($"{art} draws nothing.");
        var target = (20 + (float)(random.NextDouble() * 10)) * factor;
        var scale = target / Math.Max(box.Width, box.Height);
        var centreX = (large / 2f) + ((float)((random.NextDouble() * 6) - 3) * factor);
        var centreY = (large / 2f) + ((float)((random.NextDouble() * 6) - 3) * factor);
        var rotation = (float)((random.NextDouble() * 16) - 8);
        var stroke = strokable && !outline ? (float)(random.NextDouble() * 1.2) * factor / scale : 0;
        var inkLevel = (byte)random.Next(0, 80);
        var erosion = outline ? 4 + random.Next(3) : 0;
        var transform = SKMatrix.CreateTranslation((large / 2f) - metrics.MidX, (large / 2f) - metrics.MidY)
            .PostConcat(SKMatrix.CreateTranslation(-box.MidX, -box.MidY))
            .PostConcat(SKMatrix.CreateScale(scale, scale))
            .PostConcat(SKMatrix.CreateRotationDegrees(rotation))
            .PostConcat(SKMatrix.CreateTranslation(centreX, centreY));
        var grey = Draw(art, transform, stroke, inkLevel);
        if (outline)
        {
            grey = Contour(grey, large, erosion, inkLevel);
        }

        var small = new byte[ImageSize * ImageSize];
        for (var y = 0; y < ImageSize; y++)
        {
            for (var x = 0; x < ImageSize; x++)
            {
                var sum = 0;
                for (var dy = 0; dy < factor; dy++)
                {
                    for (var dx = 0; dx < factor; dx++)
                    {
                        sum += grey[(((y * factor) + dy) * large) + (x * factor) + dx];
                    }
                }

                small[(y * ImageSize) + x] = (byte)((sum + (factor * factor / 2)) / (factor * factor));
            }
        }

        using var output = new SKBitmap(new SKImageInfo(ImageSize, ImageSize, SKColorType.Gray8, SKAlphaType.Opaque));
        Marshal.Copy(small, 0, output.GetPixels(), small.Length);
        using var file = File.Create(path);
        output.Encode(file, SKEncodedImageFormat.Png, 100);
    }

    /// <summary>
    /// Draws the glyph at the large size and returns, row-major, white (255) where nothing is drawn and the ink level where
    /// it is, blended by coverage (alpha). Colour emoji thus become silhouettes like the monochrome fonts, without holes
    /// where their colours are light.
    /// </summary>
    private static byte[] Draw(GlyphArt art, SKMatrix transform, float stroke, byte inkLevel)
    {
        const int large = ImageSize * 4;
        using var colour = new SKBitmap(new SKImageInfo(large, large, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(colour))
        {
            canvas.Clear(SKColors.Transparent);
            canvas.SetMatrix(transform);
            using var paint = new SKPaint
            {
                IsAntialias = true,
                Color = SKColors.Black,
                Style = stroke > 0 ? SKPaintStyle.StrokeAndFill : SKPaintStyle.Fill,
                StrokeWidth = stroke,
            };
            art.Draw(canvas, paint);
        }

        var grey = new byte[large * large];
        var pixels = colour.Pixels;
        for (var i = 0; i < grey.Length; i++)
        {
            grey[i] = (byte)(255 - (pixels[i].Alpha * (255 - inkLevel) / 255));
        }

        return grey;
    }

    /// <summary>The bounding box of the pixels darker than 240, or null when there are none.</summary>
    private static SKRect? InkBox(byte[] grey, int size)
    {
        int left = size, top = size, right = -1, bottom = -1;
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                if (grey[(y * size) + x] < 240)
                {
                    left = Math.Min(left, x);
                    right = Math.Max(right, x);
                    top = Math.Min(top, y);
                    bottom = Math.Max(bottom, y);
                }
            }
        }

        return right < 0 ? null : new SKRect(left, top, right + 1, bottom + 1);
    }

    /// <summary>Keeps the ink pixels (luma below 0.85) within <paramref name="width"/> pixels of a non-ink pixel.</summary>
    private static byte[] Contour(byte[] grey, int size, int width, byte inkLevel)
    {
        var ink = grey.Select(g => g < 217).ToArray();
        var result = new byte[grey.Length];
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                var edge = false;
                for (var dy = -width; dy <= width && !edge && ink[(y * size) + x]; dy++)
                {
                    for (var dx = -width; dx <= width; dx++)
                    {
                        var (u, v) = (x + dx, y + dy);
                        if ((dx * dx) + (dy * dy) <= width * width && (u < 0 || v < 0 || u >= size || v >= size || !ink[(v * size) + u]))
                        {
                            edge = true;
                            break;
                        }
                    }
                }

                result[(y * size) + x] = edge ? inkLevel : (byte)255;
            }
        }

        return result;
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
