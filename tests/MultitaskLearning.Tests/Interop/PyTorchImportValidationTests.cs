using MultitaskLearning.Models;
using Xunit;

namespace MultitaskLearning.Tests.Interop;

/// <summary>Importing refuses broken or mismatched export folders with an error naming the file and the tensor.</summary>
public sealed class PyTorchImportValidationTests : IClassFixture<ExportedModelFixture>, IDisposable
{
    private readonly ExportedModelFixture fixture;
    private readonly string folder = Directory.CreateTempSubdirectory("mtl-pytorch-import-").FullName;
    private readonly string export;
    private readonly string weightsPath;
    private readonly string manifestPath;

    public PyTorchImportValidationTests(ExportedModelFixture fixture)
    {
        this.fixture = fixture;
        export = Path.Combine(folder, "export");
        fixture.Model.ExportPyTorch(export);
        weightsPath = Path.Combine(export, "model.safetensors");
        manifestPath = Path.Combine(export, "manifest.json");
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void MissingTensor_IsNamed()
    {
        var (tensors, metadata) = RawSafetensors.Read(weightsPath);
        RawSafetensors.Write(weightsPath, tensors.Where(t => t.Name != "trunks.shared.layers.1.bias"), metadata);
        var message = ImportError();
        Assert.Contains(weightsPath, message);
        Assert.Contains("has no tensor 'trunks.shared.layers.1.bias' (F32 [8])", message);
    }

    [Fact]
    public void ExtraTensor_IsNamed()
    {
        var (tensors, metadata) = RawSafetensors.Read(weightsPath);
        RawSafetensors.Write(weightsPath, tensors.Append(new RawSafetensors.Tensor("head.extra", "F32", [2], new byte[8])), metadata);
        var message = ImportError();
        Assert.Contains(weightsPath, message);
        Assert.Contains("has tensors that", message);
        Assert.Contains("head.extra", message);
    }

    [Fact]
    public void WrongShape_IsNamedWithBothShapes()
    {
        var (tensors, metadata) = RawSafetensors.Read(weightsPath);
        RawSafetensors.Write(weightsPath, tensors.Select(t => t.Name == "trunks.shared.layers.0.weight" ? t with { Shape = [t.Shape[1], t.Shape[0]] } : t), metadata);
        var message = ImportError();
        Assert.Contains(weightsPath, message);
        Assert.Contains("tensor 'trunks.shared.layers.0.weight' has shape [8, 12]", message);
        Assert.Contains("expects [12, 8]", message);
    }

    [Fact]
    public void OtherDataType_IsNamed()
    {
        var (tensors, metadata) = RawSafetensors.Read(weightsPath);
        RawSafetensors.Write(weightsPath, tensors.Select(t => t.Name == "trunks.shared.layers.0.bias" ? t with { DataType = "F16", Bytes = t.Bytes[..(t.Bytes.Length / 2)] } : t), metadata);
        var message = ImportError();
        Assert.Contains(weightsPath, message);
        Assert.Contains("tensor 'trunks.shared.layers.0.bias' has dtype F16; only F32 is read", message);
    }

    [Fact]
    public void TruncatedFile_NamesTheTensorThatRunsPastTheEnd()
    {
        var bytes = File.ReadAllBytes(weightsPath);
        File.WriteAllBytes(weightsPath, bytes[..^6]);
        var message = ImportError();
        Assert.Contains(weightsPath, message);
        Assert.Contains("the file is truncated", message);
        Assert.Contains("tensor 'taskBlocks.block", message);
    }

    [Fact]
    public void FileCutInsideTheHeader_IsRefused()
    {
        File.WriteAllBytes(weightsPath, File.ReadAllBytes(weightsPath)[..40]);
        var message = ImportError();
        Assert.Contains(weightsPath, message);
        Assert.Contains("it is truncated or not a safetensors file", message);
    }

    [Fact]
    public void InvalidHeaderJson_IsRefused()
    {
        var bytes = File.ReadAllBytes(weightsPath);
        bytes[9] = (byte)'!';
        File.WriteAllBytes(weightsPath, bytes);
        var message = ImportError();
        Assert.Contains(weightsPath, message);
        Assert.Contains("the header is not valid JSON", message);
    }

    [Fact]
    public void BytesThatBelongToNoTensor_AreRefused()
    {
        var (tensors, metadata) = RawSafetensors.Read(weightsPath);
        RawSafetensors.Write(weightsPath, tensors, metadata, gapBefore: 2);
        var message = ImportError();
        Assert.Contains(weightsPath, message);
        Assert.Contains($"belong to no tensor (before tensor '{tensors[2].Name}')", message);
    }

    [Fact]
    public void ShapeWhoseSizeOverflows_IsRefusedBeforeAllocating()
    {
        var (tensors, metadata) = RawSafetensors.Read(weightsPath);
        RawSafetensors.Write(weightsPath, tensors.Select((t, i) => i == 0 ? t with { Shape = [1L << 40, 1L << 40] } : t), metadata);
        var message = ImportError();
        Assert.Contains(weightsPath, message);
        Assert.Contains($"tensor '{tensors[0].Name}' has an impossibly large shape", message);
    }

    [Fact]
    public void InvalidManifestJson_NamesTheManifest()
    {
        File.WriteAllText(manifestPath, "{ \"format\": ");
        var message = ImportError();
        Assert.Contains(manifestPath, message);
        Assert.Contains("is not a valid model manifest", message);
    }

    [Fact]
    public void ManifestDescribingAnotherArchitecture_IsRefused()
    {
        File.WriteAllText(manifestPath, File.ReadAllText(manifestPath).Replace("\"activation\": \"ReLU\"", "\"activation\": \"Swish\"", StringComparison.Ordinal));
        var message = ImportError();
        Assert.Contains(manifestPath, message);
        Assert.Contains("the manifest describes an invalid model", message);
    }

    [Fact]
    public void ManifestWhoseLayerSizesDisagreeWithTheTensors_NamesTheTensor()
    {
        // The parameter list still says [12, 8]; the architecture built from the edited trunk sizes needs [13, 8].
        File.WriteAllText(manifestPath, File.ReadAllText(manifestPath).Replace("\"trunkLayers\": [\n      12,", "\"trunkLayers\": [\n      13,", StringComparison.Ordinal));
        var message = ImportError();
        Assert.Contains(manifestPath, message);
        Assert.Contains("the architecture expects 'trunks.shared.layers.0.weight' [13, 8]", message);
    }

    [Fact]
    public void FilesOfTwoDifferentExports_AreRefused()
    {
        var other = Path.Combine(folder, "other");
        var (model, _) = InteropData.TrainTabular(ModelFamily.SharedTrunk, Activation.Tanh);
        using (model)
        {
            model.ExportPyTorch(other);
        }

        File.Copy(Path.Combine(other, "model.safetensors"), weightsPath, overwrite: true);
        var message = ImportError();
        Assert.Contains("come from different exports", message);
        Assert.Contains(weightsPath, message);
        Assert.Contains(manifestPath, message);
    }

    [Fact]
    public void DataChangedBehindTheRecordedDigest_IsReportedCorrupt()
    {
        var bytes = File.ReadAllBytes(weightsPath);
        bytes[^3] ^= 0x40;
        File.WriteAllBytes(weightsPath, bytes);
        var message = ImportError();
        Assert.Contains(weightsPath, message);
        Assert.Contains("does not match the SHA-256 recorded at export", message);
    }

    [Fact]
    public void MissingFolderOrFiles_AreNamed()
    {
        var missing = Path.Combine(folder, "nowhere");
        Assert.Contains(missing, Assert.Throws<DirectoryNotFoundException>(() => MultitaskModel.ImportPyTorch(missing)).Message);

        File.Delete(weightsPath);
        Assert.Contains(weightsPath, Assert.Throws<FileNotFoundException>(() => MultitaskModel.ImportPyTorch(export)).Message);

        File.Delete(manifestPath);
        Assert.Contains("has no manifest.json", Assert.Throws<FileNotFoundException>(() => MultitaskModel.ImportPyTorch(export)).Message);
    }

    [Fact]
    public void UntouchedExport_Imports()
    {
        using var imported = MultitaskModel.ImportPyTorch(export);
        using var predictor = imported.CreatePredictor();
        Assert.Equal(4, InteropData.Scores(predictor, "features", fixture.Samples).Count);
    }

    private string ImportError() => Assert.Throws<InvalidDataException>(() => MultitaskModel.ImportPyTorch(export)).Message;
}
