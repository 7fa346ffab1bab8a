using System.IO.Compression;
using MultitaskLearning.Models;
using MultitaskLearning.TestUtilities;
using MultitaskLearning.Training;
using Xunit;

namespace MultitaskLearning.Tests.Persistence;

/// <summary>Damaged and hostile model files: every outcome is either a clear <see cref="InvalidDataException"/> naming
/// the file, or a model that predicts exactly what the original did.</summary>
public sealed class ModelFileBadInputTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"mtl-badmodel-{Guid.NewGuid():N}");

    public ModelFileBadInputTests() => Directory.CreateDirectory(folder);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    public static TheoryData<ModelFamily> Families() => [.. Enum.GetValues<ModelFamily>()];

    /// <summary>Flips every byte of a small saved model in turn (all bits inverted).</summary>
    [Theory]
    [Trait("Category", "Slow")]
    [MemberData(nameof(Families))]
    public void EveryFlippedByte_IsRejectedNamingTheFile_OrPredictsTheSame(ModelFamily family)
    {
        var data = SyntheticData.RelatedTasks(count: 60, features: 3, seed: 2);
        var definition = MultitaskModelBuilder.FromDataset(data).UseFamily(family, new ArchitectureOptions { TrunkLayers = [3], TowerLayers = [2], Experts = 2 }).Build();
        using var model = new MultitaskTrainer(new TrainerOptions { Epochs = 1 }.Deterministic()).Fit(definition, data);
        var original = Path.Combine(folder, "original.mtl");
        model.Save(original);
        var samples = Enumerable.Range(0, 4).Select(i => data.Inputs["features"].GetSample(i).ToArray()).ToArray();
        var expected = Predictions(model, samples);
        var bytes = File.ReadAllBytes(original);
        var damaged = Path.Combine(folder, "damaged.mtl");
        int rejected = 0, same = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            var copy = (byte[])bytes.Clone();
            copy[i] ^= 0xFF;
            File.WriteAllBytes(damaged, copy);
            try
            {
                using var loaded = MultitaskModel.Load(damaged);
                Assert.True(expected.SequenceEqual(Predictions(loaded, samples)), $"Byte {i} of {bytes.Length} flipped: the model loaded but predicts differently.");
                same++;
            }
            catch (InvalidDataException ex)
            {
                Assert.Contains(damaged, ex.Message, StringComparison.Ordinal);
                rejected++;
            }
        }

        Assert.Equal(bytes.Length, rejected + same);
        Assert.True(rejected > bytes.Length / 2, $"Only {rejected} of {bytes.Length} flips were rejected.");
    }

    /// <summary>Two bytes flipped at once (seeded random pairs): the same two outcomes only.</summary>
    [Fact]
    public void TwoFlippedBytes_AreRejectedNamingTheFile_OrPredictTheSame()
    {
        var path = Saved();
        var bytes = File.ReadAllBytes(path);
        using var original = MultitaskModel.Load(path);
        var samples = new[] { new float[original.Definition.Inputs[0].SampleSize] };
        var expected = Predictions(original, samples);
        var random = new Random(5);
        var damaged = Path.Combine(folder, "two-flips.mtl");
        for (var trial = 0; trial < 400; trial++)
        {
            var copy = (byte[])bytes.Clone();
            copy[random.Next(copy.Length)] ^= (byte)(1 + random.Next(255));
            copy[random.Next(copy.Length)] ^= (byte)(1 + random.Next(255));
            File.WriteAllBytes(damaged, copy);
            try
            {
                using var loaded = MultitaskModel.Load(damaged);
                Assert.True(expected.SequenceEqual(Predictions(loaded, samples)), $"Trial {trial}: the model loaded but predicts differently.");
            }
            catch (InvalidDataException ex)
            {
                Assert.Contains(damaged, ex.Message, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void ManifestWithUnknownOrMissingField_IsRejected()
    {
        var path = Saved();
        RewriteManifest(path, json => json.Replace("\"family\":", "\"famliy\": \"x\", \"family\":", StringComparison.Ordinal));
        var unknown = Assert.Throws<InvalidDataException>(() => MultitaskModel.Load(path));
        Assert.Contains("famliy", unknown.Message, StringComparison.Ordinal);

        path = Saved();
        RewriteManifest(path, json => System.Text.RegularExpressions.Regex.Replace(json, "\"family\": \"[a-z-]+\",", string.Empty));
        var missing = Assert.Throws<InvalidDataException>(() => MultitaskModel.Load(path));
        Assert.Contains("family", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ManifestClaimingHugeLayers_IsRejectedBeforeAllocating()
    {
        var path = Saved();
        RewriteManifest(path, json => json.Replace("\"trunkLayers\": [\n      8", "\"trunkLayers\": [\n      1000000", StringComparison.Ordinal));
        var error = Assert.Throws<InvalidDataException>(() => MultitaskModel.Load(path));
        Assert.Contains("needs at least", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EditedWithoutResealing_FailsTheDigest()
    {
        var path = Saved();
        RewriteManifest(path, json => json.Replace("\"weight\": 1", "\"weight\": 2", StringComparison.Ordinal), reseal: false);
        Assert.Contains("does not match its digest", Assert.Throws<InvalidDataException>(() => MultitaskModel.Load(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownArchiveEntry_IsRejected()
    {
        var path = Saved();
        using (var archive = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            using var stream = archive.CreateEntry("surprise.bin").Open();
            stream.WriteByte(1);
        }

        Assert.Contains("surprise.bin", Assert.Throws<InvalidDataException>(() => MultitaskModel.Load(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FolderGivenAsModelPath_SaysItIsAFolder()
    {
        var error = Assert.Throws<InvalidDataException>(() => MultitaskModel.Load(folder));
        Assert.Contains("is a folder", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Predictor_UnknownTask_NamesTheTasksThereAre()
    {
        using var model = MultitaskModel.Load(Saved());
        using var predictor = model.CreatePredictor();
        var predictions = predictor.Predict(new float[model.Definition.Inputs[0].SampleSize]);
        var error = Assert.Throws<KeyNotFoundException>(() => predictions["nope"]);
        Assert.Contains("'nope'", error.Message, StringComparison.Ordinal);
        Assert.Contains("score", error.Message, StringComparison.Ordinal);
        Assert.Contains("pass", error.Message, StringComparison.Ordinal);
    }

    private static float[] Predictions(MultitaskModel model, float[][] samples)
    {
        using var predictor = model.CreatePredictor();
        return predictor.PredictBatch(samples).SelectMany(p => p.Values.OrderBy(v => v.TaskName, StringComparer.Ordinal)
            .SelectMany(v => (v.Values ?? []).Select(x => (float)x).Concat((v.Probabilities ?? new Dictionary<string, double>()).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (float)kv.Value)))).ToArray();
    }

    private string Saved()
    {
        var data = SyntheticData.RelatedTasks(count: 40, features: 3, seed: 2);
        var definition = MultitaskModelBuilder.FromDataset(data).UseFamily(ModelFamily.SharedTrunk, new ArchitectureOptions { TrunkLayers = [8] }).Build();
        using var model = new MultitaskTrainer(new TrainerOptions { Epochs = 1 }.Deterministic()).Fit(definition, data);
        var path = Path.Combine(folder, $"{Guid.NewGuid():N}.mtl");
        model.Save(path);
        return path;
    }

    private static void RewriteManifest(string path, Func<string, string> change, bool reseal = true) =>
        ModelSerializerTests.RewriteManifest(path, change, reseal);
}
