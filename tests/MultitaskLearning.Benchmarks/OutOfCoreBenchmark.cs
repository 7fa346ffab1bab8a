using System.Globalization;
using System.Text.Json;
using MultitaskLearning.Data;
using MultitaskLearning.Data.Shards;
using MultitaskLearning.Models;
using MultitaskLearning.Tasks;
using MultitaskLearning.Training;

namespace MultitaskLearning.Benchmarks;

/// <summary>
/// Training on a shard store ten times larger than its memory budget: the store is written block by block with
/// <see cref="ShardedDatasetWriter"/> (synthetic rows: random features, half regression and half binary tasks, each a
/// linear function of the features), then three runs in fresh processes train the same model: on one shard's rows in
/// memory (what the runtime and the model take), on the store within the budget, and on the whole store loaded into
/// memory. It reports the peak RSS against budget + runtime and model (goal: at most 20 % more) and the warm epochs'
/// time against the in-memory ones (goal: at most 10 % more).
/// </summary>
internal static class OutOfCoreBenchmark
{
    private const int BlockRows = 65536;

    public static int Run(TextWriter output, long budgetMegabytes, double factor, int width, int taskCount, int rowsPerShard, int epochs, int threads, string? store, bool keep)
    {
        var budget = budgetMegabytes << 20;
        var folder = store ?? Path.Combine(Path.GetTempPath(), $"mtl-out-of-core-{Guid.NewGuid():N}");
        try
        {
            if (store is null)
            {
                var layoutBytes = (4L * width) + (4L * taskCount) + taskCount;
                var rows = (long)(factor * budget / layoutBytes);
                var clock = System.Diagnostics.Stopwatch.StartNew();
                Write(folder, rows, width, taskCount, rowsPerShard);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Wrote {rows:N0} rows × {width} features, {taskCount} tasks, in shards of {rowsPerShard:N0} rows to {folder}: {clock.Elapsed.TotalSeconds:F1} s (block by block; the writer holds one shard)."));
            }

            var opened = ShardedDataset.Open(folder, budget);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Store: {opened.Count:N0} rows, {opened.ShardCount} shards, {opened.SizeInBytes / 1048576.0:N0} MB on disk = {opened.SizeInBytes / (double)budget:F1} × the memory budget of {budgetMegabytes} MB."));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Model: shared trunk [256, 128], SGD (momentum 0.9), batch 256, {threads} thread(s), {epochs} epochs, shuffled; warm epochs = epochs 2–{epochs}. Each run in a fresh process."));
            output.WriteLine();
            var runs = new[] { "base", "sharded", "memory" }.ToDictionary(mode => mode, mode =>
            {
                var json = ChildProcess.RunSelf(["out-of-core-once", "--mode", mode, "--store", folder, "--budget-mb", budgetMegabytes.ToString(CultureInfo.InvariantCulture), "--epochs", epochs.ToString(CultureInfo.InvariantCulture), "--threads", threads.ToString(CultureInfo.InvariantCulture)]);
                return JsonSerializer.Deserialize<OutOfCoreResult>(json.Trim().Split('\n')[^1])!;
            });
            output.WriteLine("| run | rows | engine | warm epoch s, median (min–max) | rows/s | peak RSS (MB) |");
            output.WriteLine("|---|---|---|---|---|---|");
            foreach (var (mode, result) in runs)
            {
                var warm = Summary.Of(result.EpochSeconds.Skip(1));
                var label = mode switch
                {
                    "base" => "one shard in memory (runtime + model)",
                    "sharded" => $"shard store, budget {budgetMegabytes} MB ({result.WindowShards} shards per window)",
                    _ => "whole store in memory",
                };
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {label} | {result.Rows:N0} | {result.Engine} | {warm.Median:F2} ({warm.Min:F2}–{warm.Max:F2}) | {result.Rows / warm.Median:N0} | {result.PeakRssMegabytes:F0} |"));
            }

            var limit = 1.2 * (budgetMegabytes + runs["base"].PeakRssMegabytes);
            var memoryRatio = runs["sharded"].PeakRssMegabytes / (budgetMegabytes + runs["base"].PeakRssMegabytes);
            var speedRatio = Summary.Of(runs["sharded"].EpochSeconds.Skip(1)).Median / Summary.Of(runs["memory"].EpochSeconds.Skip(1)).Median;
            output.WriteLine();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Memory: peak RSS {runs["sharded"].PeakRssMegabytes:F0} MB against budget + runtime and model = {budgetMegabytes} + {runs["base"].PeakRssMegabytes:F0} MB: {memoryRatio:F2}× (goal ≤ 1.20×, i.e. ≤ {limit:F0} MB): {(memoryRatio <= 1.2 ? "met" : "missed")}."));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Speed: a warm epoch on the store takes {speedRatio:F3}× the in-memory epoch (goal ≤ 1.10×): {(speedRatio <= 1.1 ? "met" : "missed")}."));
            return 0;
        }
        finally
        {
            if (store is null && !keep && Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    /// <summary>One run in this process; prints an <see cref="OutOfCoreResult"/> as JSON.</summary>
    public static int RunOnce(string mode, string folder, long budgetMegabytes, int epochs, int threads)
    {
        var store = ShardedDataset.Open(folder, budgetMegabytes << 20);
        var definition = MultitaskModelBuilder.FromDataset(store)
            .UseFamily(ModelFamily.SharedTrunk, new ArchitectureOptions { TrunkLayers = [256, 128] })
            .Build();
        var options = new TrainerOptions { Epochs = epochs, BatchSize = 256, LearningRate = 0.01, Momentum = 0.9, Threads = threads, Seed = 1, Shuffle = true };
        var trainer = new MultitaskTrainer(options);
        MultitaskModel model;
        long rows;
        var windowShards = 0;
        switch (mode)
        {
            case "base":
                model = trainer.Fit(definition, store.ReadRows(0, store.RowsPerShard));
                rows = store.RowsPerShard;
                break;
            case "sharded":
                model = trainer.Fit(definition, store);
                rows = store.Count;
                using (var network = new MultitaskNetwork(definition, TorchSharp.torch.CPU))
                {
                    windowShards = TrainingRun.ShardsPerWindowOf(network, store);
                }

                break;
            case "memory":
                model = trainer.Fit(definition, store.ReadRows(0, checked((int)store.Count)));
                rows = store.Count;
                break;
            default:
                throw new ArgumentException($"Unknown mode '{mode}'; use base, sharded or memory.");
        }

        using (model)
        {
            var epochsDone = model.TrainingHistory!.Epochs;
            var seconds = epochsDone.Select((e, i) => (e.Elapsed - (i == 0 ? TimeSpan.Zero : epochsDone[i - 1].Elapsed)).TotalSeconds).ToArray();
            Console.WriteLine(JsonSerializer.Serialize(new OutOfCoreResult(model.TrainingHistory.Engine.ToString(), rows, seconds, ProcessMemory.PeakRssMegabytes(), windowShards)));
        }

        return 0;
    }

    private static void Write(string folder, long rows, int width, int taskCount, int rowsPerShard)
    {
        var random = new Random(5);
        var weights = Enumerable.Range(0, taskCount).Select(_ => Enumerable.Range(0, width).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray()).ToArray();
        var tasks = Enumerable.Range(0, taskCount)
            .Select(t => t % 2 == 0 ? TaskDefinition.Regression($"value-{t}") : TaskDefinition.Binary($"sign-{t}"))
            .ToArray();
        using var writer = new ShardedDatasetWriter(folder, "features", [width], tasks, rowsPerShard);
        for (long start = 0; start < rows; start += BlockRows)
        {
            var count = (int)Math.Min(BlockRows, rows - start);
            var values = new float[count * width];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = (random.NextSingle() * 2) - 1;
            }

            var labels = new Dictionary<string, LabelColumn>(StringComparer.Ordinal);
            for (var t = 0; t < taskCount; t++)
            {
                var targets = new double[count];
                for (var i = 0; i < count; i++)
                {
                    targets[i] = System.Numerics.Tensors.TensorPrimitives.Dot(values.AsSpan(i * width, width), weights[t]);
                }

                labels[tasks[t].Name] = t % 2 == 0
                    ? LabelColumn.FromValues(targets)
                    : LabelColumn.FromClassIndices(targets.Select(v => (int?)(v > 0 ? 1 : 0)).ToArray());
            }

            writer.Append(values, labels);
        }

        writer.Complete();
    }

    /// <summary>One run's result: seconds of each epoch, the peak RSS and, for the store, shards per window.</summary>
    private sealed record OutOfCoreResult(string Engine, long Rows, double[] EpochSeconds, double PeakRssMegabytes, int WindowShards);
}
