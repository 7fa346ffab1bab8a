using System.Text.Json;

namespace MultitaskLearning.Samples.SeedExample;

/// <summary>
/// The held-out test set of the seed data, read from <c>split.json</c> in the data folder: whole font families, whole
/// voices and one noise type never seen in training. The generator and the experiment both read it, so the split is
/// defined in one place.
/// </summary>
internal sealed record SeedSplit(IReadOnlyList<string> TestFonts, IReadOnlyList<string> TestVoices, string TestNoise)
{
    public const string FileName = "split.json";

    public static SeedSplit Read(string dataFolder)
    {
        var path = Path.Combine(dataFolder, FileName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The split file '{path}' is missing; it names the held-out fonts, voices and noise type.", path);
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var root = document.RootElement;
        string[] Strings(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Select(v => v.GetString() ?? throw new InvalidDataException($"{path}: '{name}' holds a non-string value.")).ToArray()
            : throw new InvalidDataException($"{path}: the array '{name}' is missing.");
        var noise = root.TryGetProperty("testNoise", out var n) && n.ValueKind == JsonValueKind.String
            ? n.GetString()!
            : throw new InvalidDataException($"{path}: the string 'testNoise' is missing.");
        return new SeedSplit(Strings("testFonts"), Strings("testVoices"), noise);
    }

    /// <summary>Whether an image row (its <c>font</c> field) belongs to the test set.</summary>
    public bool IsTestImage(IReadOnlyDictionary<string, string> fields) => TestFonts.Contains(fields["font"]);

    /// <summary>Whether a speech row is a training row: a training voice with a training noise type.</summary>
    public bool IsTrainingClip(IReadOnlyDictionary<string, string> fields) => !TestVoices.Contains(fields["voice"]) && fields["noise"] != TestNoise;

    /// <summary>Whether a speech row is a test row: a held-out voice with the held-out noise type.</summary>
    public bool IsTestClip(IReadOnlyDictionary<string, string> fields) => TestVoices.Contains(fields["voice"]) && fields["noise"] == TestNoise;
}
