using System.Text.Json;
using MultitaskLearning.Data;
using MultitaskLearning.Models;
using MultitaskLearning.Tasks;
using MultitaskLearning.TestUtilities;
using MultitaskLearning.Training;
using Xunit;

namespace MultitaskLearning.Export.Tests;

/// <summary>What an exported file declares (inputs, outputs, metadata), the stream overload, and bad requests.</summary>
public sealed class OnnxExportTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("mtl-onnx-").FullName;

    [Fact]
    public void ExportedFile_DeclaresInputsOutputsAndMetadata()
    {
        var data = ParityData.Create([1, 8, 8], 64, seed: 41, inputName: "picture");
        using var model = Train(data.Dataset);
        var path = Path.Combine(folder, "model.onnx");
        model.ExportOnnx(path);

        using var session = OnnxParity.Open(path);
        var input = Assert.Single(session.InputMetadata);
        Assert.Equal("picture", input.Key);
        Assert.Equal([-1, 1, 8, 8], input.Value.Dimensions);
        Assert.Equal("batch", input.Value.SymbolicDimensions[0]);
        Assert.Equal(["flag", "flag.label", "level", "shape", "shape.label", "tags"], session.OutputMetadata.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([-1, 2], session.OutputMetadata["flag"].Dimensions);
        Assert.Equal([-1], session.OutputMetadata["shape.label"].Dimensions);
        Assert.Equal(typeof(long), session.OutputMetadata["shape.label"].ElementType);

        var metadata = session.ModelMetadata;
        Assert.Equal("MultitaskLearning", metadata.ProducerName);
        Assert.Equal("1", metadata.CustomMetadataMap["multitask.format"]);
        Assert.Equal(typeof(MultitaskModel).Assembly.GetName().Version!.ToString(3), metadata.CustomMetadataMap["multitask.libraryVersion"]);
        Assert.Equal("shared-trunk", metadata.CustomMetadataMap["multitask.family"]);
        using var tasks = JsonDocument.Parse(metadata.CustomMetadataMap["multitask.tasks"]);
        var shape = tasks.RootElement.EnumerateArray().Single(t => t.GetProperty("name").GetString() == "shape");
        Assert.Equal("Multiclass", shape.GetProperty("kind").GetString());
        Assert.Equal("picture", shape.GetProperty("input").GetString());
        Assert.Equal(["small", "even", "large"], shape.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(3, shape.GetProperty("outputSize").GetInt32());
        Assert.Equal("shape", shape.GetProperty("output").GetString());
        Assert.Equal("shape.label", shape.GetProperty("labelOutput").GetString());
        var flag = tasks.RootElement.EnumerateArray().Single(t => t.GetProperty("name").GetString() == "flag");
        Assert.Equal(["low", "high"], flag.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        var level = tasks.RootElement.EnumerateArray().Single(t => t.GetProperty("name").GetString() == "level");
        Assert.Equal(JsonValueKind.Null, level.GetProperty("labelOutput").ValueKind);
        using var inputs = JsonDocument.Parse(metadata.CustomMetadataMap["multitask.inputs"]);
        var described = Assert.Single(inputs.RootElement.EnumerateArray().ToArray());
        Assert.Equal([1, 8, 8], described.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
        Assert.Equal("picture", described.GetProperty("graphInput").GetString());
        Assert.Equal("Mean", described.GetProperty("missingValues").GetString());
    }

    [Fact]
    public void ExportToStream_WritesTheSameBytesAsToAFile()
    {
        var data = ParityData.Create([12], 64, seed: 42);
        using var model = Train(data.Dataset);
        var path = Path.Combine(folder, "model.onnx");
        model.ExportOnnx(path);
        using var stream = new MemoryStream();
        model.ExportOnnx(stream);
        Assert.Equal(File.ReadAllBytes(path), stream.ToArray());
        Assert.True(stream.CanWrite, "The stream is left open.");
    }

    [Fact]
    public void Export_ToAMissingFolder_NamesTheFolderAndWritesNothing()
    {
        var data = ParityData.Create([12], 64, seed: 43);
        using var model = Train(data.Dataset);
        var missing = Path.Combine(folder, "no-such-folder");
        var error = Assert.Throws<DirectoryNotFoundException>(() => model.ExportOnnx(Path.Combine(missing, "model.onnx")));
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public void Export_WhenATaskIsNamedLikeTheInput_RenamesTheGraphInputAndSaysSoInTheMetadata()
    {
        var train = ParityData.Create([12], 64, seed: 44, inputName: "shape", kinds: [TaskKind.Multiclass, TaskKind.Regression]);
        var test = ParityData.Create([12], 20, seed: 46, inputName: "shape", kinds: [TaskKind.Multiclass, TaskKind.Regression]);
        using var model = Train(train.Dataset);
        var path = Path.Combine(folder, "model.onnx");
        model.ExportOnnx(path);
        using (var session = OnnxParity.Open(path))
        {
            Assert.Equal("shape.input", Assert.Single(session.InputMetadata).Key);
            Assert.Equal("shape.input", OnnxParity.GraphInputNames(session)["shape"]);
        }

        OnnxParity.Compare(model, path, new Dictionary<string, ParityData> { ["shape"] = test });
    }

    [Fact]
    public void Export_OfADisposedModel_Throws()
    {
        var data = ParityData.Create([12], 64, seed: 45);
        var model = Train(data.Dataset);
        model.Dispose();
        Assert.Throws<ObjectDisposedException>(() => model.ExportOnnx(Path.Combine(folder, "model.onnx")));
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static MultitaskModel Train(MultitaskDataset train)
    {
        var definition = MultitaskModelBuilder.FromDataset(train, input => input with
            {
                Encoder = input.SampleShape.Count > 1 ? EncoderKind.Convolutional : EncoderKind.Dense,
                ConvolutionChannels = [3],
                MissingValues = MissingValuePolicy.Mean,
            })
            .UseFamily(ModelFamily.SharedTrunk, new ArchitectureOptions { TrunkLayers = [8] })
            .Build();
        return new MultitaskTrainer(new TrainerOptions { Epochs = 1, BatchSize = 16, Seed = 3 }.Deterministic()).Fit(definition, train);
    }
}
