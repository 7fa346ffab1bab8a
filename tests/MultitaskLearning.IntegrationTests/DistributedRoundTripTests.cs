using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using MultitaskLearning.Data;
using MultitaskLearning.Data.Shards;
using MultitaskLearning.Evaluation;
using MultitaskLearning.Models;
using MultitaskLearning.Tasks;
using MultitaskLearning.TestUtilities;
using MultitaskLearning.Training;
using MultitaskLearning.Vision;
using Xunit;
using Xunit.Abstractions;

namespace MultitaskLearning.IntegrationTests;

/// <summary>
/// As a developer whose model outgrows one machine, I export the model and its shard store, train it in PyTorch with
/// DistributedDataParallel (<c>samples/PyTorchInterop/train_ddp.py</c>, here two local processes on the gloo back end)
/// and import the trained weights: the imported model predicts what the script predicts and is as accurate as the same
/// model trained by the library on the same data.
/// </summary>
public sealed class DistributedRoundTripTests(ITestOutputHelper output) : IDisposable
{
    private const int TrainRows = 3000;
    private const int TestRows = 1000;
    private const int Epochs = 6;
    private readonly string folder = Directory.CreateTempSubdirectory("mtl-ddp-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [FactRequiresPyTorch]
    public void TwoProcessDdpRun_ImportedModel_PredictsAsTheScriptAndAsWellAsTheLibrary()
    {
        var (train, test, testSamples) = Mnist();
        var store = ShardedDataset.Write(train, Path.Combine(folder, "shards"), rowsPerShard: 250);
        var definition = MultitaskModelBuilder.FromDataset(store).UseFamily(ModelFamily.SharedTrunk, new ArchitectureOptions { TrunkLayers = [64] }).Build();
        var options = new TrainerOptions { Epochs = Epochs, BatchSize = 32, LearningRate = 0.002, Optimizer = OptimizerKind.Adam, Seed = 0 }.Deterministic();
        var trainer = new MultitaskTrainer(options);
        var export = Path.Combine(folder, "export");
        trainer.ExportForPyTorchTraining(definition, store, export);
        var samples = Path.Combine(folder, "samples.json");
        File.WriteAllText(samples, new JsonObject { ["pixels"] = new JsonArray(testSamples.Select(s => (JsonNode)new JsonArray(s.Select(v => JsonValue.Create(v)).ToArray())).ToArray()) }.ToJsonString());

        var trained = Path.Combine(folder, "trained");
        var log = RunTorchrun(export, store.Directory, trained, samples);
        output.WriteLine(log);

        using var imported = MultitaskModel.ImportPyTorch(trained);
        using var predictor = imported.CreatePredictor();
        var predictions = predictor.PredictBatch("pixels", testSamples);
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(trained, "predictions.json")));
        var script = document.RootElement.GetProperty("pixels");
        var worst = 0.0;
        foreach (var task in definition.Tasks)
        {
            var rows = script.GetProperty(task.Name).EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
            Assert.Equal(testSamples.Length, rows.Length);
            for (var s = 0; s < rows.Length; s++)
            {
                var ours = task.Kind == TaskKind.Binary
                    ? [predictions[s][task.Name].Probabilities![task.LabelOf(1)]]
                    : Enumerable.Range(0, task.OutputSize).Select(c => predictions[s][task.Name].Probabilities![task.LabelOf(c)]).ToArray();
                Assert.Equal(ours.Length, rows[s].Length);
                for (var c = 0; c < ours.Length; c++)
                {
                    worst = Math.Max(worst, Math.Abs(ours[c] - rows[s][c]));
                }
            }
        }

        Assert.True(worst <= 1e-4, $"The imported model's probabilities differ from the script's by up to {worst:E2}.");

        using var library = trainer.Fit(definition, store);
        var ddpReport = imported.Evaluate(test);
        var libraryReport = library.Evaluate(test);
        output.WriteLine($"max |imported − script| = {worst:E2}\nDDP (2 processes):\n{ddpReport}\nlibrary:\n{libraryReport}");
        foreach (var task in new[] { "digit", "parity" })
        {
            var ddp = ddpReport[task][MetricKind.Accuracy];
            var own = libraryReport[task][MetricKind.Accuracy];
            Assert.True(own > 0.8, $"The library's {task} accuracy is {own:F3}.");
            Assert.True(ddp >= own - 0.03, $"The DDP-trained {task} accuracy {ddp:F3} is below the library's {own:F3} by more than 0.03.");
        }
    }

    /// <summary>The first 3,000 images of the vendored MNIST test set for training and the next 1,000 for testing,
    /// with the tasks "digit" and "parity" (odd = 1), pixels scaled to [0, 1].</summary>
    private static (MultitaskDataset Train, MultitaskDataset Test, float[][] TestSamples) Mnist()
    {
        var data = Path.Combine(AppContext.BaseDirectory, "data", "mnist");
        var (pixels, count, rows, columns) = IdxReader.ReadImages(Path.Combine(data, "t10k-images-idx3-ubyte.gz"));
        var labels = IdxReader.ReadLabels(Path.Combine(data, "t10k-labels-idx1-ubyte.gz"));
        Assert.True(count >= TrainRows + TestRows);
        var size = rows * columns;
        TaskDefinition[] tasks = [TaskDefinition.Multiclass("digit", 10), TaskDefinition.Binary("parity")];
        MultitaskDataset Part(int start, int length, out float[][] samples)
        {
            samples = Enumerable.Range(start, length).Select(i => Enumerable.Range(0, size).Select(j => pixels[(i * size) + j] / 255f).ToArray()).ToArray();
            return new MultitaskDatasetBuilder(tasks).AddSamples("pixels", samples.SelectMany(s => s).ToArray(), [size], new Dictionary<string, LabelColumn>
            {
                ["digit"] = LabelColumn.FromClassIndices(Enumerable.Range(start, length).Select(i => (int?)labels[i]).ToArray()),
                ["parity"] = LabelColumn.FromClassIndices(Enumerable.Range(start, length).Select(i => (int?)(labels[i] % 2)).ToArray()),
            }).Build();
        }

        return (Part(0, TrainRows, out _), Part(TrainRows, TestRows, out var testSamples), testSamples);
    }

    /// <summary>Two processes on the gloo back end; the global batch (2 × 16) is the library's batch.</summary>
    private static string RunTorchrun(string export, string shards, string trained, string samples)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "PyTorchInterop", "train_ddp.py");
        var info = new ProcessStartInfo("/usr/bin/torchrun") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        // --redirects/--tee 9:0: Debian's torch 1.13 cannot parse its own default "0" on Python 3.11 (see train_ddp.py).
        foreach (var argument in new[] { "--standalone", "--nproc_per_node", "2", "--redirects", "9:0", "--tee", "9:0", script, export, shards, trained, "--epochs", Epochs.ToString(System.Globalization.CultureInfo.InvariantCulture), "--batch-size", "16", "--learning-rate", "0.002", "--optimizer", "adam", "--seed", "0", "--predict", samples })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["OMP_NUM_THREADS"] = "1";
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        var standardOutput = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"torchrun did not finish within 5 minutes: {error.Result}");
        }

        Assert.True(process.ExitCode == 0, $"torchrun exited with {process.ExitCode}: {error.Result.Trim()} {standardOutput.Result.Trim()}");
        return standardOutput.Result;
    }
}
