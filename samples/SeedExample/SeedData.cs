using MultitaskLearning.Data;

namespace MultitaskLearning.Samples.SeedExample;

/// <summary>
/// The seed data's files, split as split.json says: training clips are training voices with a training noise type, test
/// clips held-out voices with the held-out noise; test images are the held-out fonts, training images everything else
/// (other fonts, emoji designs and drawings).
/// </summary>
internal sealed record SeedData(
    SeedSplit Split,
    IReadOnlyList<LabeledFile> TrainingClips,
    IReadOnlyList<LabeledFile> TestClips,
    IReadOnlyList<LabeledFile> TrainingImages,
    IReadOnlyList<LabeledFile> TestImages)
{
    /// <summary>Reads both manifests and split.json from <paramref name="folder"/>.</summary>
    public static SeedData Load(string folder)
    {
        var speechFiles = LabeledFileSources.FromManifest(Path.Combine(folder, "speech", "manifest.csv"));
        var imageFiles = LabeledFileSources.FromManifest(Path.Combine(folder, "images", "manifest.csv"));

        // The manifests hold Chinese text; the speech task's vocabulary holds the English meanings.
        var meaning = SeedDataGenerator.Phrases.ToDictionary(p => p.Text, p => p.Label);
        speechFiles = speechFiles.Select(f => f with
        {
            Fields = new Dictionary<string, string>(f.Fields)
            {
                ["text"] = meaning.TryGetValue(f.Fields["text"], out var label) ? label
                    : throw new InvalidDataException($"{Path.Combine(folder, "speech", "manifest.csv")}, row {f.ManifestRow}: the text '{f.Fields["text"]}' is none of the four phrases ({string.Join(", ", meaning.Keys)})."),
            },
        }).ToArray();

        var split = SeedSplit.Read(folder);
        return new SeedData(
            split,
            speechFiles.Where(f => split.IsTrainingClip(f.Fields)).ToArray(),
            speechFiles.Where(f => split.IsTestClip(f.Fields)).ToArray(),
            imageFiles.Where(f => !split.IsTestImage(f.Fields)).ToArray(),
            imageFiles.Where(f => split.IsTestImage(f.Fields)).ToArray());
    }
}
