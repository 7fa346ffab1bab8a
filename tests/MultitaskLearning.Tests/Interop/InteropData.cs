using MultitaskLearning.Data;
using MultitaskLearning.Inference;
using MultitaskLearning.Models;
using MultitaskLearning.Tasks;
using MultitaskLearning.TestUtilities;
using MultitaskLearning.Training;

namespace MultitaskLearning.Tests.Interop;

/// <summary>Seeded data, briefly trained models and per-task scores for the PyTorch export tests.</summary>
internal static class InteropData
{
    /// <summary>Features of the tabular input; about 5 % of features 2 and 4 are missing (NaN, imputed by the median).</summary>
    public const int TabularFeatures = 6;

    /// <summary>Four tasks of all kinds on one tabular input "features": "score" (regression, 10 + 5y), "band"
    /// (3 classes of y), "pass" (binary, y &gt; 0) and "tags" (multi-label). The output sizes 1, 3, 1, 2 put "score" and
    /// "pass" in one task block, so the blocks' column order differs from the task order.</summary>
    public static MultitaskDataset Tabular(int count, int seed)
    {
        var samples = TabularSamples(count, seed);
        var x = new float[count, TabularFeatures];
        var score = new double?[count];
        var band = new int?[count];
        var pass = new string?[count];
        var tags = new IReadOnlyCollection<string>?[count];
        for (var i = 0; i < count; i++)
        {
            double y = 0;
            for (var j = 0; j < TabularFeatures; j++)
            {
                x[i, j] = samples[i][j];
                y += float.IsNaN(samples[i][j]) ? 0 : samples[i][j] * (j % 2 == 0 ? 0.8 : -0.5);
            }

            score[i] = 10 + (5 * y);
            band[i] = y < -0.5 ? 0 : y < 0.5 ? 1 : 2;
            pass[i] = y > 0 ? "yes" : "no";
            tags[i] = new[] { samples[i][0] > 0 ? "left" : null, samples[i][1] > 0 ? "right" : null }.OfType<string>().ToArray();
        }

        TaskDefinition[] tasks =
        [
            TaskDefinition.Regression("score"),
            TaskDefinition.Multiclass("band", "low", "middle", "high"),
            TaskDefinition.Binary("pass", "no", "yes"),
            TaskDefinition.MultiLabel("tags", "left", "right"),
        ];
        return new MultitaskDatasetBuilder(tasks)
            .AddSamples("features", x, new Dictionary<string, LabelColumn>
            {
                ["score"] = LabelColumn.FromValues(score),
                ["band"] = LabelColumn.FromClassIndices(band),
                ["pass"] = LabelColumn.FromLabels(pass),
                ["tags"] = LabelColumn.FromLabelSets(tags),
            })
            .Build();
    }

    /// <summary>Raw tabular samples as the data has them (NaN where missing).</summary>
    public static float[][] TabularSamples(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, TabularFeatures)
            .Select(j => (j is 2 or 4) && random.NextDouble() < 0.05 ? float.NaN : (float)((random.NextDouble() * 4) - 2 + (j * 0.5)))
            .ToArray()).ToArray();
    }

    /// <summary>Two-channel signals of length 12 (input "signal", shape [2, 12]): "peak" is the third of channel 0 with
    /// the largest value (3 classes), "level" the mean of channel 1 (regression).</summary>
    public static MultitaskDataset Signals(int count, int seed)
    {
        var samples = SignalSamples(count, seed);
        var peak = new int?[count];
        var level = new double?[count];
        for (var i = 0; i < count; i++)
        {
            peak[i] = Array.IndexOf(samples[i][..12], samples[i][..12].Max()) / 4;
            level[i] = samples[i][12..].Average();
        }

        return new MultitaskDatasetBuilder([TaskDefinition.Multiclass("peak", 3), TaskDefinition.Regression("level")])
            .AddSamples("signal", samples.SelectMany(s => s).ToArray(), [2, 12], new Dictionary<string, LabelColumn>
            {
                ["peak"] = LabelColumn.FromClassIndices(peak),
                ["level"] = LabelColumn.FromValues(level),
            })
            .Build();
    }

    /// <summary>Raw signal samples, 24 values each (channel-major).</summary>
    public static float[][] SignalSamples(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, 24).Select(_ => (float)(random.NextDouble() * 3)).ToArray()).ToArray();
    }

    /// <summary>Raw 1×8×8 images like <see cref="SyntheticData.Quadrants"/>'s (64 values each).</summary>
    public static float[][] ImageSamples(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var q = random.Next(4);
            return Enumerable.Range(0, 64).Select(p => ((((p / 8) < 4 ? 0 : 2) + ((p % 8) < 4 ? 0 : 1)) == q ? 1f : 0f) + (float)random.NextDouble()).ToArray();
        }).ToArray();
    }

    /// <summary>A briefly trained model (3 epochs, seed 1, one thread).</summary>
    public static MultitaskModel Train(MultitaskModelDefinition definition, MultitaskDataset data) =>
        new MultitaskTrainer(new TrainerOptions { Epochs = 3, Seed = 1, Optimizer = OptimizerKind.Adam, LearningRate = 0.01 }.Deterministic()).Fit(definition, data);

    /// <summary>A model of a family on <see cref="Tabular"/> data (dense encoder [8], trunk [12, 8], tower [6]).</summary>
    public static (MultitaskModel Model, float[][] Samples) TrainTabular(ModelFamily family, Activation activation)
    {
        var data = Tabular(160, seed: 5);
        var definition = MultitaskModelBuilder.FromDataset(data, i => i with { EncoderLayers = [8], MissingValues = MissingValuePolicy.Median })
            .UseFamily(family, new ArchitectureOptions { TrunkLayers = [12, 8], TowerLayers = [6], Experts = 3, TaskExperts = 2, Activation = activation })
            .Build();
        return (Train(definition, data), TabularSamples(24, seed: 6));
    }

    /// <summary>A model of a family with a convolutional encoder: 2-D on 1×8×8 images, or 1-D on [2, 12] signals.</summary>
    public static (MultitaskModel Model, float[][] Samples) TrainConvolutional(ModelFamily family, Activation activation, bool twoDimensional)
    {
        var data = twoDimensional ? SyntheticData.Quadrants(count: 120, seed: 7) : Signals(120, seed: 7);
        var definition = MultitaskModelBuilder.FromDataset(data, i => i with { Encoder = EncoderKind.Convolutional, ConvolutionChannels = [4, 6], EncoderLayers = [10] })
            .UseFamily(family, new ArchitectureOptions { TrunkLayers = [8], TowerLayers = [5], Experts = 2, Activation = activation })
            .Build();
        return (Train(definition, data), twoDimensional ? ImageSamples(16, seed: 8) : SignalSamples(16, seed: 8));
    }

    /// <summary>A model of a family on two inputs: "table" (dense encoder [8]; tasks "score", "band", "pass", "tags")
    /// and "signal" (1-D convolutional encoder ending in [8]; tasks "peak", "level").</summary>
    public static (MultitaskModel Model, Dictionary<string, float[][]> Samples) TrainTwoInputs(ModelFamily family)
    {
        var table = Tabular(100, seed: 9);
        var signals = Signals(100, seed: 10);
        var builder = new MultitaskDatasetBuilder([.. table.Tasks, .. signals.Tasks]);
        var tableSamples = TabularSamples(100, seed: 9);
        var signalSamples = SignalSamples(100, seed: 10);
        var labels = table.Tasks.ToDictionary(t => t.Name, t => LabelColumn.FromTargets(table.GetTargets(t.Name)), StringComparer.Ordinal);
        builder.AddSamples("table", tableSamples.SelectMany(s => s).ToArray(), [TabularFeatures], labels);
        builder.AddSamples("signal", signalSamples.SelectMany(s => s).ToArray(), [2, 12],
            signals.Tasks.ToDictionary(t => t.Name, t => LabelColumn.FromTargets(signals.GetTargets(t.Name)), StringComparer.Ordinal));
        var data = builder.Build();
        var definition = MultitaskModelBuilder.FromDataset(data, i => i.Name == "signal"
                ? i with { Encoder = EncoderKind.Convolutional, ConvolutionChannels = [4], EncoderLayers = [8] }
                : i with { EncoderLayers = [8], MissingValues = MissingValuePolicy.Median })
            .UseFamily(family, new ArchitectureOptions { TrunkLayers = [10, 6], TowerLayers = [5], Experts = 2, Activation = Activation.SiLU })
            .Build();
        return (Train(definition, data), new Dictionary<string, float[][]>
        {
            ["table"] = TabularSamples(12, seed: 11),
            ["signal"] = SignalSamples(12, seed: 12),
        });
    }

    /// <summary>Each task's scores per sample as the predictor gives them: class probabilities in label order
    /// (multiclass), the positive label's probability (binary), per-label probabilities (multi-label), values (regression).</summary>
    public static Dictionary<string, double[][]> Scores(MultitaskPredictor predictor, string inputName, float[][] samples)
    {
        var predictions = predictor.PredictBatch(inputName, samples);
        var layout = predictor.Definition.Tasks.Where(t => predictor.Definition.InputOf(t.Name).Name == inputName);
        return layout.ToDictionary(t => t.Name, t => predictions.Select(p => Vector(t, p[t.Name])).ToArray(), StringComparer.Ordinal);
    }

    private static double[] Vector(TaskDefinition task, TaskPrediction prediction) => task.Kind switch
    {
        TaskKind.Regression => [.. prediction.Values!],
        TaskKind.Binary => [prediction.Probabilities![task.LabelOf(1)]],
        _ => [.. Enumerable.Range(0, task.OutputSize).Select(c => prediction.Probabilities![task.LabelOf(c)])],
    };
}
