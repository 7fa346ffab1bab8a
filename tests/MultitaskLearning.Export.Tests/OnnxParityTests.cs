using MultitaskLearning.Data;
using MultitaskLearning.Models;
using MultitaskLearning.Tasks;
using MultitaskLearning.TestUtilities;
using MultitaskLearning.Training;
using Xunit;
using Xunit.Abstractions;

namespace MultitaskLearning.Export.Tests;

/// <summary>
/// The exported graph computes what the predictor computes, for everything the exporter accepts: every
/// <see cref="ModelFamily"/> with every kind of encoder (dense, 2-D and 1-D convolutional), every
/// <see cref="Activation"/>, dropout, every <see cref="TaskKind"/>, several task blocks, missing values and models with
/// several inputs. The cases are generated from the enums, so a new member is tested (and fails until the exporter
/// handles it, since every switch of the exporter throws on an unknown member).
/// </summary>
public sealed class OnnxParityTests(ITestOutputHelper output) : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("mtl-onnx-").FullName;

    /// <summary>The encoder kinds by sample shape: a dense encoder over a vector, convolutions over images and over
    /// sequences.</summary>
    public static readonly Dictionary<string, (EncoderKind Encoder, int[] Shape)> Encoders = new(StringComparer.Ordinal)
    {
        ["dense"] = (EncoderKind.Dense, [12]),
        ["conv2d"] = (EncoderKind.Convolutional, [1, 8, 8]),
        ["conv1d"] = (EncoderKind.Convolutional, [2, 16]),
    };

    /// <summary>Every family with every encoder; activations and dropout rotate over the cases.</summary>
    public static TheoryData<ModelFamily, string, Activation, double> FamiliesAndEncoders()
    {
        var data = new TheoryData<ModelFamily, string, Activation, double>();
        var activations = Enum.GetValues<Activation>();
        var index = 0;
        foreach (var family in Enum.GetValues<ModelFamily>())
        {
            foreach (var encoder in Encoders.Keys)
            {
                data.Add(family, encoder, activations[index % activations.Length], index % 2 == 0 ? 0 : 0.1);
                index++;
            }
        }

        return data;
    }

    /// <summary>Every activation on its own, in the encoder, trunk and towers of a hybrid model.</summary>
    public static TheoryData<Activation> Activations() => [.. Enum.GetValues<Activation>()];

    /// <summary>Every family with a model of two inputs (a vector and an image), tasks on each.</summary>
    public static TheoryData<ModelFamily> Families() => [.. Enum.GetValues<ModelFamily>()];

    [Theory]
    [MemberData(nameof(FamiliesAndEncoders))]
    public void Export_MatchesThePredictor_ForEveryFamilyAndEncoder(ModelFamily family, string encoder, Activation activation, double dropout)
    {
        var (kind, shape) = Encoders[encoder];
        var train = ParityData.Create(shape, 96, seed: 11);
        var test = ParityData.Create(shape, 40, seed: 12);
        using var model = Train(train.Dataset, family, activation, dropout, input => Configure(input, kind));
        var worst = ExportAndCompare(model, new Dictionary<string, ParityData> { ["signal"] = test });
        output.WriteLine($"{family.ToName()} / {encoder} / {activation}: max |ONNX - predictor| = {worst:E2}");
    }

    [Theory]
    [MemberData(nameof(Activations))]
    public void Export_MatchesThePredictor_ForEveryActivation(Activation activation)
    {
        var train = ParityData.Create([12], 96, seed: 21);
        var test = ParityData.Create([12], 40, seed: 22);
        using var model = Train(train.Dataset, ModelFamily.Hybrid, activation, 0, input => Configure(input, EncoderKind.Dense));
        var worst = ExportAndCompare(model, new Dictionary<string, ParityData> { ["signal"] = test });
        output.WriteLine($"{activation}: max |ONNX - predictor| = {worst:E2}");
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Export_MatchesThePredictor_ForTwoInputs(ModelFamily family)
    {
        // Inputs of a shared model end at the same width (the trunk's input), so both encoders end in 10 units.
        var tableTasks = new[] { TaskKind.Regression, TaskKind.Binary };
        var pictureTasks = new[] { TaskKind.Multiclass, TaskKind.MultiLabel };
        var trainTable = ParityData.Create([6], 80, 31, "table", "t_", tableTasks);
        var trainPicture = ParityData.Create([1, 8, 8], 80, 32, "picture", "p_", pictureTasks);
        var testTable = ParityData.Create([6], 30, 33, "table", "t_", tableTasks);
        var testPicture = ParityData.Create([1, 8, 8], 25, 34, "picture", "p_", pictureTasks);
        var train = MultitaskDataset.Merge(trainTable.Dataset, trainPicture.Dataset);
        using var model = Train(train, family, Activation.ReLU, 0, input => Configure(input, input.SampleShape.Count == 3 ? EncoderKind.Convolutional : EncoderKind.Dense));
        var worst = ExportAndCompare(model, new Dictionary<string, ParityData> { ["table"] = testTable, ["picture"] = testPicture });
        output.WriteLine($"{family.ToName()} with two inputs: max |ONNX - predictor| = {worst:E2}");
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static InputDefinition Configure(InputDefinition input, EncoderKind encoder) => input with
    {
        Encoder = encoder,
        ConvolutionChannels = [3, 4],
        EncoderLayers = [10],
        MissingValues = MissingValuePolicy.Mean,
    };

    private static MultitaskModel Train(MultitaskDataset train, ModelFamily family, Activation activation, double dropout, Func<InputDefinition, InputDefinition> configure)
    {
        var definition = MultitaskModelBuilder.FromDataset(train, configure)
            .UseFamily(family, new ArchitectureOptions { TrunkLayers = [12, 8], TowerLayers = [6], Experts = 3, TaskExperts = 1, Activation = activation, Dropout = dropout })
            .Build();
        var options = new TrainerOptions { Epochs = 3, BatchSize = 16, LearningRate = 0.05, Seed = 5 }.Deterministic();
        return new MultitaskTrainer(options).Fit(definition, train);
    }

    private double ExportAndCompare(MultitaskModel model, IReadOnlyDictionary<string, ParityData> test)
    {
        var path = Path.Combine(folder, "model.onnx");
        model.ExportOnnx(path);
        return OnnxParity.Compare(model, path, test);
    }
}
