using System.IO.Compression;
using MultitaskLearning.Data;
using MultitaskLearning.Models;
using MultitaskLearning.Persistence;
using MultitaskLearning.TestUtilities;
using MultitaskLearning.Training;
using Xunit;

namespace MultitaskLearning.Tests.Persistence;

public sealed class ModelSerializerTests : IDisposable
{
    private static readonly MultitaskDataset Data = SyntheticData.RelatedTasks(count: 120, seed: 8);
    private readonly string folder = Directory.CreateTempSubdirectory("mtl-persistence-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Theory]
    [InlineData(ModelFamily.SharedTrunk)]
    [InlineData(ModelFamily.TaskSpecific)]
    [InlineData(ModelFamily.Hybrid)]
    [InlineData(ModelFamily.Mmoe)]
    [InlineData(ModelFamily.Cgc)]
    [InlineData(ModelFamily.CrossStitch)]
    public void SaveThenLoad_GivesIdenticalPredictionsAndDefinition(ModelFamily family)
    {
        using var model = Train(family);
        var path = Path.Combine(folder, "model.mtl");
        model.Save(path);
        using var loaded = MultitaskModel.Load(path);

        Assert.Equal(family, loaded.Definition.Family);
        Assert.Equal(model.Definition.Tasks, loaded.Definition.Tasks);
        Assert.Equal(model.Definition.TaskBlocks.Select(b => string.Join(",", b)), loaded.Definition.TaskBlocks.Select(b => string.Join(",", b)));
        Assert.Equal(model.FeatureStatistics["features"].Mean, loaded.FeatureStatistics["features"].Mean);
        var original = model.Network.named_parameters().ToDictionary(p => p.name, p => p.parameter.data<float>().ToArray());
        foreach (var (name, parameter) in loaded.Network.named_parameters())
        {
            Assert.Equal(original[name], parameter.data<float>().ToArray());
        }

        // Identical weights; libtorch may pick a differently vectorised kernel for a differently aligned copy, so the
        // outputs agree to float rounding (observed differences ~1e-7 relative).
        foreach (var task in new[] { "score", "pass" })
        {
            Approx.Equal(
                model.Predict(Data)[task].Scores.Select(v => (double)v).ToArray(),
                loaded.Predict(Data)[task].Scores.Select(v => (double)v).ToArray(),
                1e-5);
        }

        Assert.Equal(["model.mtl"], Directory.GetFiles(folder).Select(Path.GetFileName));
    }

    [Fact]
    public void Load_TruncatedFile_ThrowsInvalidData()
    {
        var path = SaveModel();
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var error = Assert.Throws<InvalidDataException>(() => MultitaskModel.Load(path));
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Load_CorruptWeights_FailsTheChecksum()
    {
        var path = SaveModel();
        RewriteEntry(path, "weights.bin", bytes => bytes[10] ^= 0xFF);
        var error = Assert.Throws<InvalidDataException>(() => MultitaskModel.Load(path));
        Assert.Contains("SHA-256", error.Message);
    }

    [Fact]
    public void Load_OtherFormatVersion_SaysWhichVersions()
    {
        var path = SaveModel();
        RewriteManifest(path, json => json.Replace("\"formatVersion\": 2", "\"formatVersion\": 99", StringComparison.Ordinal));
        var error = Assert.Throws<InvalidDataException>(() => MultitaskModel.Load(path));
        Assert.Contains("has format version 99", error.Message);
        Assert.Contains("this library reads versions 1 to 2", error.Message);
    }

    [Fact]
    public void Load_ManifestDisagreesWithWeights_IsRejected()
    {
        var path = SaveModel();
        RewriteManifest(path, json => json.Replace("\"trunkLayers\": [\n      8", "\"trunkLayers\": [\n      9", StringComparison.Ordinal));
        var error = Assert.Throws<InvalidDataException>(() => MultitaskModel.Load(path));
        Assert.Contains("the architecture expects", error.Message);
    }

    [Fact]
    public void Load_InvalidJsonOrNotAZip_IsRejected()
    {
        var path = SaveModel();
        RewriteManifest(path, _ => "{ not json");
        Assert.Contains("is not a valid manifest", Assert.Throws<InvalidDataException>(() => MultitaskModel.Load(path)).Message);

        var text = Path.Combine(folder, "text.mtl");
        File.WriteAllText(text, "hello");
        Assert.Contains("not a readable model archive", Assert.Throws<InvalidDataException>(() => MultitaskModel.Load(text)).Message);
        Assert.Throws<FileNotFoundException>(() => MultitaskModel.Load(Path.Combine(folder, "missing.mtl")));
    }

    [Fact]
    public void Save_IntoMissingFolder_ThrowsAndWritesNothing()
    {
        using var model = Train(ModelFamily.SharedTrunk);
        var error = Assert.Throws<DirectoryNotFoundException>(() => model.Save(Path.Combine(folder, "no", "model.mtl")));
        Assert.Contains("does not exist", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(folder));
    }

    [Fact]
    public void Save_OverExistingFile_ReplacesItAtomically()
    {
        var path = SaveModel();
        using var other = Train(ModelFamily.Hybrid);
        other.Save(path);
        using var loaded = MultitaskModel.Load(path);
        Assert.Equal(ModelFamily.Hybrid, loaded.Definition.Family);
        Assert.Single(Directory.GetFiles(folder));
    }

    private static MultitaskModel Train(ModelFamily family)
    {
        var definition = MultitaskModelBuilder.FromDataset(Data)
            .UseFamily(family, new ArchitectureOptions { TrunkLayers = [8], TowerLayers = [4] })
            .Build();
        return new MultitaskTrainer(new TrainerOptions { Epochs = 2, Seed = 1 }.Deterministic()).Fit(definition, Data);
    }

    private string SaveModel()
    {
        using var model = Train(ModelFamily.SharedTrunk);
        var path = Path.Combine(folder, "model.mtl");
        model.Save(path);
        return path;
    }

    /// <summary>Edits the manifest of a saved model; <paramref name="reseal"/> recomputes the digest as a deliberate
    /// edit would, so that the checks behind the digest are reached.</summary>
    internal static void RewriteManifest(string path, Func<string, string> change, bool reseal = true) =>
        RewriteEntry(path, "manifest.json", bytes => { }, change, reseal);

    private static void RewriteEntry(string path, string name, Action<byte[]> change, Func<string, string>? textChange = null, bool reseal = true)
    {
        using var archive = ZipFile.Open(path, ZipArchiveMode.Update);
        var entry = archive.GetEntry(name)!;
        byte[] bytes;
        using (var stream = entry.Open())
        using (var memory = new MemoryStream())
        {
            stream.CopyTo(memory);
            bytes = memory.ToArray();
        }

        if (textChange is not null)
        {
            bytes = System.Text.Encoding.UTF8.GetBytes(textChange(System.Text.Encoding.UTF8.GetString(bytes)));
        }

        change(bytes);
        entry.Delete();
        using (var replacement = archive.CreateEntry(name).Open())
        {
            replacement.Write(bytes);
        }

        if (reseal)
        {
            Reseal(archive);
        }
    }

    /// <summary>Recomputes the digest after an edit, as a deliberate (not accidental) change would, so that the checks
    /// behind the digest are reached.</summary>
    private static void Reseal(ZipArchive archive)
    {
        var contents = archive.Entries.Where(e => e.FullName != ModelSerializer.DigestEntry).Select(e =>
        {
            using var stream = e.Open();
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            return (e.FullName, memory.ToArray());
        }).ToArray();
        archive.GetEntry(ModelSerializer.DigestEntry)?.Delete();
        using var digest = archive.CreateEntry(ModelSerializer.DigestEntry).Open();
        digest.Write(System.Text.Encoding.ASCII.GetBytes(ModelSerializer.Digest(contents)));
    }
}
