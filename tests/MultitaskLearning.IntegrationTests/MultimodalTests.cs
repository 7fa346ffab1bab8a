using System.Globalization;
using MultitaskLearning.Audio;
using MultitaskLearning.Data;
using MultitaskLearning.Models;
using MultitaskLearning.Tasks;
using MultitaskLearning.TestUtilities;
using MultitaskLearning.Training;
using MultitaskLearning.Vision;
using Xunit;
using Xunit.Abstractions;

namespace MultitaskLearning.IntegrationTests;

/// <summary>As a developer I train one model on real recordings and real handwriting at once (two encoders, one
/// trunk) and it recognises held-out samples of both far above chance.</summary>
public sealed class MultimodalTests(ITestOutputHelper output)
{
    [Fact]
    public void SpokenAndWrittenDigits_SharedTrunk_BeatsChanceOnHeldOutData()
    {
        var data = Path.Combine(AppContext.BaseDirectory, "data");
        TaskDefinition spoken = TaskDefinition.Multiclass("spoken", 10), written = TaskDefinition.Multiclass("written", 10);
        var recordings = LabeledFileSources.FromFileNamePattern(Path.Combine(data, "fsdd", "recordings"), "{digit}_{speaker}_{index}.wav")
            .Where(f => int.Parse(f.Fields["index"], CultureInfo.InvariantCulture) < 20).ToArray(); // 2 speakers × 10 digits × 20
        var features = new AudioFeatureOptions { SampleRate = 8000, DurationSeconds = 1.0, FftSize = 256, HopLength = 160, MelBands = 32 };
        var audio = SpeechDatasetReader.Read(recordings, [spoken], features, new LabeledFileDatasetOptions { InputName = "audio", TaskFields = new Dictionary<string, string> { ["spoken"] = "digit" } }).Dataset;
        var images = ImageDatasetReader.ReadIdx(Path.Combine(data, "mnist", "t10k-images-idx3-ubyte.gz"), Path.Combine(data, "mnist", "t10k-labels-idx1-ubyte.gz"), written, "image", Enumerable.Range(0, 800).ToArray());

        var split = DatasetSplitter.Split(MultitaskDataset.Merge(audio, images), new SplitOptions { TrainFraction = 0.75, ValidationFraction = 0, Seed = 1 });
        var definition = MultitaskModelBuilder.FromDataset(split.Train, i => i with { Encoder = EncoderKind.Convolutional, ConvolutionChannels = [8, 16], EncoderLayers = [32] })
            .UseFamily(ModelFamily.SharedTrunk, new ArchitectureOptions { TrunkLayers = [32] })
            .Build();
        using var model = new MultitaskTrainer(new TrainerOptions { Epochs = 12, BatchSize = 32, Optimizer = OptimizerKind.Adam, LearningRate = 0.002, Seed = 1 }.Deterministic())
            .Fit(definition, split.Train);
        var report = model.Evaluate(split.Test);
        output.WriteLine(report.ToString());

        // Chance is 10 %; both tasks must be far above it on samples the model never saw.
        Assert.True(report["spoken"][MetricKind.Accuracy] > 0.5, report.ToString());
        Assert.True(report["written"][MetricKind.Accuracy] > 0.7, report.ToString());
    }
}
