using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using MultitaskLearning.Interop;
using MultitaskLearning.Models;
using MultitaskLearning.Persistence;
using MultitaskLearning.TestUtilities;
using Xunit;

namespace MultitaskLearning.Tests.Interop;

public sealed class PyTorchRoundTripTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("mtl-pytorch-roundtrip-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Theory]
    [InlineData(ModelFamily.SharedTrunk)]
    [InlineData(ModelFamily.TaskSpecific)]
    [InlineData(ModelFamily.Hybrid)]
    [InlineData(ModelFamily.Mmoe)]
    [InlineData(ModelFamily.Cgc)]
    [InlineData(ModelFamily.CrossStitch)]
    public void ExportThenImport_GivesTheSameModel(ModelFamily family)
    {
        var (model, samples) = InteropData.TrainTabular(family, Activation.ReLU);
        using (model)
        {
            AssertRoundTrip(model, "features", samples);
        }
    }

    [Fact]
    public void ExportThenImport_ConvolutionalEncoderPerTask_GivesTheSameModel()
    {
        var (model, samples) = InteropData.TrainConvolutional(ModelFamily.TaskSpecific, Activation.ReLU, twoDimensional: true);
        using (model)
        {
            AssertRoundTrip(model, "image", samples);
        }
    }

    [Fact]
    public void Export_WritesNamedFloat32TensorsInParameterOrderAndTheModelFilesManifest()
    {
        var (model, _) = InteropData.TrainTabular(ModelFamily.Cgc, Activation.ReLU);
        using (model)
        {
            var export = Path.Combine(folder, "export");
            model.ExportPyTorch(export);
            var content = SafetensorsReader.Read(Path.Combine(export, "model.safetensors"));

            var parameters = model.Network.named_parameters().ToArray();
            Assert.Equal(parameters.Select(p => p.name), content.Tensors.Select(t => t.Name));
            Assert.Equal(parameters.Select(p => string.Join(",", p.parameter.shape)), content.Tensors.Select(t => string.Join(",", t.Shape)));
            Assert.All(content.Tensors, t => Assert.Equal("F32", t.DataType));
            for (var i = 0; i < parameters.Length; i++)
            {
                var stored = MemoryMarshal.Cast<byte, float>(content.Data.Span[(int)content.Tensors[i].Begin..(int)content.Tensors[i].End]).ToArray();
                Assert.Equal(parameters[i].parameter.data<float>().ToArray(), stored);
            }

            // The data section starts 8-byte aligned (the header is padded with spaces).
            Assert.Equal(0, BitConverter.ToInt64(File.ReadAllBytes(Path.Combine(export, "model.safetensors")), 0) % 8);

            // manifest.json is the model file's manifest (only the creation time differs), and its weightsSha256 is
            // the SHA-256 of the safetensors data section, which __metadata__ repeats.
            var modelFile = Path.Combine(folder, "model.mtl");
            model.Save(modelFile);
            using var archive = ZipFile.OpenRead(modelFile);
            using var reader = new StreamReader(archive.GetEntry("manifest.json")!.Open());
            var saved = JsonNode.Parse(reader.ReadToEnd())!.AsObject();
            var exported = JsonNode.Parse(File.ReadAllText(Path.Combine(export, "manifest.json")))!.AsObject();
            saved.Remove("createdUtc");
            exported.Remove("createdUtc");
            Assert.True(JsonNode.DeepEquals(saved, exported), "The exported manifest differs from the model file's.");
            var hash = Convert.ToHexString(SHA256.HashData(content.Data.Span));
            Assert.Equal(hash, (string?)exported["weightsSha256"]);
            Assert.Equal(hash, content.Metadata["weightsSha256"]);
            Assert.Equal("pt", content.Metadata["format"]);
            Assert.Equal("cgc", content.Metadata["family"]);
        }
    }

    [Fact]
    public void Import_WeightsChangedAndResavedInAnotherOrderWithoutMetadata_AreImportedAsTheyAre()
    {
        var (model, samples) = InteropData.TrainTabular(ModelFamily.Hybrid, Activation.ReLU);
        using (model)
        {
            var export = Path.Combine(folder, "export");
            model.ExportPyTorch(export);
            var weightsPath = Path.Combine(export, "model.safetensors");
            var (tensors, _) = RawSafetensors.Read(weightsPath);

            // As a PyTorch user would: halve every weight and save with safetensors.torch.save_file (sorted, no metadata).
            var changed = tensors.OrderBy(t => t.Name, StringComparer.Ordinal).Select(t =>
            {
                var values = MemoryMarshal.Cast<byte, float>(t.Bytes).ToArray().Select(v => v / 2).ToArray();
                return t with { Bytes = MemoryMarshal.AsBytes(values.AsSpan()).ToArray() };
            });
            RawSafetensors.Write(weightsPath, changed, metadata: null);

            using var imported = MultitaskModel.ImportPyTorch(export);
            var original = model.Network.named_parameters().ToDictionary(p => p.name, p => p.parameter.data<float>().ToArray());
            foreach (var (name, parameter) in imported.Network.named_parameters())
            {
                Assert.Equal(original[name].Select(v => v / 2), parameter.data<float>().ToArray());
            }

            using var before = model.CreatePredictor();
            using var after = imported.CreatePredictor();
            Assert.NotEqual(InteropData.Scores(before, "features", samples)["score"][0][0], InteropData.Scores(after, "features", samples)["score"][0][0]);
        }
    }

    [Fact]
    public void Export_OverAnEarlierExport_ReplacesBothFilesAndLeavesNoTemporaries()
    {
        var (first, _) = InteropData.TrainTabular(ModelFamily.SharedTrunk, Activation.ReLU);
        var (second, samples) = InteropData.TrainTabular(ModelFamily.Mmoe, Activation.ReLU);
        using (first)
        using (second)
        {
            var export = Path.Combine(folder, "nested", "export");
            first.ExportPyTorch(export);
            second.ExportPyTorch(export);

            Assert.Equal(["manifest.json", "model.safetensors"], Directory.GetFiles(export).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            using var imported = MultitaskModel.ImportPyTorch(export);
            Assert.Equal(ModelFamily.Mmoe, imported.Definition.Family);
        }
    }

    [Fact]
    public void Export_ToAPathThatIsAFile_SaysSo()
    {
        var (model, _) = InteropData.TrainTabular(ModelFamily.SharedTrunk, Activation.ReLU);
        using (model)
        {
            var file = Path.Combine(folder, "occupied");
            File.WriteAllText(file, "x");
            var error = Assert.Throws<IOException>(() => model.ExportPyTorch(file));
            Assert.Contains(file, error.Message);
            Assert.Contains("is a file", error.Message);
        }
    }

    private void AssertRoundTrip(MultitaskModel model, string inputName, float[][] samples)
    {
        var export = Path.Combine(folder, "export");
        model.ExportPyTorch(export);
        using var imported = MultitaskModel.ImportPyTorch(export);

        Assert.Equal(ModelSerializer.DefinitionJson(model.Definition), ModelSerializer.DefinitionJson(imported.Definition));
        Assert.Equal(model.FeatureStatistics[inputName].Mean, imported.FeatureStatistics[inputName].Mean);
        Assert.Equal(model.FeatureStatistics[inputName].Scale, imported.FeatureStatistics[inputName].Scale);
        Assert.Equal(model.FeatureStatistics[inputName].Fill, imported.FeatureStatistics[inputName].Fill);
        Assert.Equal(model.TargetStatistics.Keys.Order(), imported.TargetStatistics.Keys.Order());
        foreach (var (task, statistics) in model.TargetStatistics)
        {
            Assert.Equal(statistics.Mean, imported.TargetStatistics[task].Mean);
            Assert.Equal(statistics.Scale, imported.TargetStatistics[task].Scale);
        }

        var original = model.Network.named_parameters().ToDictionary(p => p.name, p => p.parameter.data<float>().ToArray());
        var importedParameters = imported.Network.named_parameters().ToArray();
        Assert.Equal(original.Count, importedParameters.Length);
        foreach (var (name, parameter) in importedParameters)
        {
            Assert.Equal(original[name], parameter.data<float>().ToArray());
        }

        // Identical weights; as for model files, libtorch may vectorise a differently aligned copy differently.
        using var before = model.CreatePredictor();
        using var after = imported.CreatePredictor();
        var expected = InteropData.Scores(before, inputName, samples);
        var actual = InteropData.Scores(after, inputName, samples);
        foreach (var (task, rows) in expected)
        {
            Approx.Equal(rows.SelectMany(r => r).ToArray(), actual[task].SelectMany(r => r).ToArray(), 1e-6);
        }
    }
}
