using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using MultitaskLearning.Data;
using MultitaskLearning.Inference;
using MultitaskLearning.Models;
using MultitaskLearning.Samples.Serving;
using MultitaskLearning.Tasks;
using MultitaskLearning.TestUtilities;
using MultitaskLearning.Training;
using Xunit;

namespace MultitaskLearning.Serving.Tests;

/// <summary>A small two-input model with every task kind, trained once (seeded, one thread), saved to a .mtl file and
/// exported to an .onnx file, each served on its own loopback port with low limits (4 samples, 8 KiB bodies) so that
/// the limit tests stay small.</summary>
public sealed class ServedModelFixture : IAsyncLifetime
{
    /// <summary>The values of one "features" sample.</summary>
    public const int FeatureCount = 6;

    /// <summary>The most samples a request may carry in this server.</summary>
    public const int MaxSamples = 4;

    /// <summary>The largest body this server accepts.</summary>
    public const int MaxBodyBytes = 8192;

    private readonly string folder = Directory.CreateTempSubdirectory("serving-tests-").FullName;
    private WebApplication? app;
    private WebApplication? onnxApp;

    /// <summary>The saved model file.</summary>
    public string ModelPath => Path.Combine(folder, "model.mtl");

    /// <summary>The library's predictor over the same file: the reference for the server's answers.</summary>
    public MultitaskPredictor Predictor { get; private set; } = null!;

    /// <summary>The same model exported with <c>MultitaskModel.ExportOnnx</c>.</summary>
    public string OnnxPath => Path.Combine(folder, "model.onnx");

    /// <summary>A client of the server of the .mtl file (library back end).</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>A client of the server of the .onnx file (ONNX Runtime back end).</summary>
    public HttpClient OnnxClient { get; private set; } = null!;

    /// <summary>Samples of the "features" input (raw values).</summary>
    public float[][] FeatureSamples { get; private set; } = [];

    /// <summary>Samples of the "image" input (raw values, 1×8×8 flattened).</summary>
    public float[][] ImageSamples { get; private set; } = [];

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        var data = MultitaskDataset.Merge(Features(120, seed: 5), SyntheticData.Quadrants(count: 80, seed: 6));
        FeatureSamples = Enumerable.Range(0, 6).Select(i => data.Inputs["features"].GetSample(i).ToArray()).ToArray();
        ImageSamples = Enumerable.Range(0, 3).Select(i => data.Inputs["image"].GetSample(i).ToArray()).ToArray();
        var definition = MultitaskModelBuilder
            .FromDataset(data, input => input.Name == "features" ? input with { MissingValues = MissingValuePolicy.Mean, EncoderLayers = [12] } : input with { EncoderLayers = [12] })
            .UseFamily(ModelFamily.SharedTrunk, new ArchitectureOptions { TrunkLayers = [16] })
            .Build();
        var options = new TrainerOptions { Epochs = 3, BatchSize = 16, Optimizer = OptimizerKind.Adam, LearningRate = 0.01, Seed = 1 }.Deterministic();
        using (var model = new MultitaskTrainer(options).Fit(definition, data))
        {
            model.Save(ModelPath);
        }

        using (var loaded = MultitaskModel.Load(ModelPath))
        {
            Predictor = loaded.CreatePredictor();
            loaded.ExportOnnx(OnnxPath);
        }

        (app, Client) = await StartAsync(ModelPath);
        (onnxApp, OnnxClient) = await StartAsync(OnnxPath);
    }

    private static async Task<(WebApplication App, HttpClient Client)> StartAsync(string model)
    {
        var (started, address) = await ServingApp.StartOnLoopbackAsync(
            ["--model", model, "--Serving:MaxSamples", $"{MaxSamples}", "--Serving:MaxBodyBytes", $"{MaxBodyBytes}"]);
        var client = new HttpClient { BaseAddress = address };
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return (started, client);
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        Client?.Dispose();
        OnnxClient?.Dispose();
        foreach (var server in new[] { app, onnxApp })
        {
            if (server is not null)
            {
                await server.StopAsync();
                await server.DisposeAsync();
            }
        }

        Predictor?.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>Tabular data on input "features" with a two-output regression, a binary, a multiclass and a
    /// multi-label task.</summary>
    private static MultitaskDataset Features(int count, int seed)
    {
        var random = new Random(seed);
        var x = new float[count, FeatureCount];
        var score = new float[count, 2];
        var pass = new string?[count];
        var grade = new string?[count];
        var tags = new IReadOnlyCollection<string>?[count];
        for (var i = 0; i < count; i++)
        {
            for (var j = 0; j < FeatureCount; j++)
            {
                x[i, j] = (float)((random.NextDouble() * 4) - 2);
            }

            var y = x[i, 0] + (0.5f * x[i, 1]) - x[i, 2];
            score[i, 0] = 10 + (3 * y);
            score[i, 1] = x[i, 3] * x[i, 4];
            pass[i] = y > 0 ? "yes" : "no";
            grade[i] = y < -1 ? "low" : y < 1 ? "mid" : "high";
            tags[i] = new[] { x[i, 3] > 0 ? "warm" : null, x[i, 4] > 0 ? "loud" : null, x[i, 5] > 0 ? "fast" : null }
                .OfType<string>().ToArray();
        }

        TaskDefinition[] tasks =
        [
            TaskDefinition.Regression("score", outputs: 2),
            TaskDefinition.Binary("pass", "no", "yes"),
            TaskDefinition.Multiclass("grade", "low", "mid", "high"),
            TaskDefinition.MultiLabel("tags", "warm", "loud", "fast"),
        ];
        return new MultitaskDatasetBuilder(tasks)
            .AddSamples("features", x, new Dictionary<string, LabelColumn>
            {
                ["score"] = LabelColumn.FromMatrix(score),
                ["pass"] = LabelColumn.FromLabels(pass),
                ["grade"] = LabelColumn.FromLabels(grade),
                ["tags"] = LabelColumn.FromLabelSets(tags),
            })
            .Build();
    }
}
