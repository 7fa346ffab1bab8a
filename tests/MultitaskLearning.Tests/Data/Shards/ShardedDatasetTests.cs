using MultitaskLearning.Data;
using MultitaskLearning.Data.Shards;
using MultitaskLearning.Models;
using MultitaskLearning.Tasks;
using MultitaskLearning.TestUtilities;
using MultitaskLearning.Training;
using Xunit;

namespace MultitaskLearning.Tests.Data.Shards;

/// <summary>The shard store: what it stores comes back, its statistics are the in-memory ones, training on it in
/// store order is training on the same rows in memory, shuffled passes visit every row once, and a stopped run resumes
/// to the same model.</summary>
public sealed class ShardedDatasetTests : IDisposable
{
    /// <summary>With the tasks "score" (regression) and "pass" (binary) on 5 features: 88 bytes per prepared row (twice
    /// 36 for the window and the staging rows, 16 for the order), 1,408 per shard of 16 rows, 480 for a mapped one;
    /// this budget holds two shards per window.</summary>
    private const long TwoShardBudget = 480 + (2 * 1408) + 100;

    private readonly string folder = Path.Combine(Path.GetTempPath(), $"mtl-shards-{Guid.NewGuid():N}");

    public ShardedDatasetTests() => Directory.CreateDirectory(folder);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void Write_ThenReadRows_GivesBackSamplesAndLabels()
    {
        var data = WithMissingValues(SyntheticData.RelatedTasks(count: 50, seed: 4));
        var store = ShardedDataset.Write(data, Path.Combine(folder, "s"), rowsPerShard: 16);
        Assert.Equal(50, store.Count);
        Assert.Equal(4, store.ShardCount);
        Assert.Equal(data.Tasks.Select(t => t.Name), store.Tasks.Select(t => t.Name));
        Assert.Equal(data.Targets["pass"].LabelledCount, store.LabelledCount("pass"));
        var back = store.ReadRows(0, 50);
        Assert.Equal(data.Inputs["features"].Values.ToArray(), back.Inputs["features"].Values.ToArray());
        foreach (var task in data.Tasks)
        {
            Assert.Equal(data.Targets[task.Name].Present, back.Targets[task.Name].Present);
            var width = task.TargetWidth;
            var expected = data.Targets[task.Name].Values.ToArray().Where((_, i) => data.Targets[task.Name].Present[i / width]);
            var actual = back.Targets[task.Name].Values.ToArray().Where((_, i) => back.Targets[task.Name].Present[i / width]);
            Assert.Equal(expected, actual);
        }

        var middle = store.ReadRows(13, 20); // crosses two shard boundaries
        Assert.Equal(data.Inputs["features"].Values.Slice(13 * 5, 20 * 5).ToArray(), middle.Inputs["features"].Values.ToArray());
    }

    [Fact]
    public void Statistics_EqualTheInMemoryOnesBitForBit()
    {
        var data = WithMissingValues(SyntheticData.RelatedTasks(count: 77, seed: 5));
        var store = ShardedDataset.Write(data, Path.Combine(folder, "s"), rowsPerShard: 10);
        var expected = FeatureStatistics.Compute(data.Inputs["features"], standardize: true, MissingValuePolicy.Mean);
        var actual = store.FeatureStatistics(standardize: true, MissingValuePolicy.Mean);
        Assert.Equal(expected.Mean, actual.Mean);
        Assert.Equal(expected.Scale, actual.Scale);
        Assert.Equal(expected.Fill, actual.Fill);
        var targets = TargetStatistics.Compute(data.Targets["score"]);
        Assert.Equal(targets.Mean, store.TargetStatistics("score").Mean);
        Assert.Equal(targets.Scale, store.TargetStatistics("score").Scale);
    }

    public static TheoryData<TrainingEngine, bool> Engines() => new()
    {
        { TrainingEngine.Fused, false },
        { TrainingEngine.Fused, true },
        { TrainingEngine.Autograd, false },
    };

    [Theory]
    [MemberData(nameof(Engines))]
    public void TrainingInStoreOrder_EqualsTrainingInMemory(TrainingEngine engine, bool adam)
    {
        var data = SyntheticData.RelatedTasks(count: 96, seed: 6);
        var store = ShardedDataset.Write(data, Path.Combine(folder, "s"), rowsPerShard: 16, memoryBudget: TwoShardBudget);
        var definition = Definition(data);
        TrainerOptions Options() => new TrainerOptions
        {
            Epochs = 3, BatchSize = 8, Shuffle = false, Engine = engine, LearningRate = 0.05,
            Optimizer = adam ? OptimizerKind.Adam : OptimizerKind.Sgd,
        }.Deterministic();
        using var inMemory = new MultitaskTrainer(Options()).Fit(definition, data);
        using var sharded = new MultitaskTrainer(Options()).Fit(definition, store);
        Assert.Equal(Flatten(inMemory), Flatten(sharded));
        Assert.Equal(inMemory.FeatureStatistics["features"].Mean, sharded.FeatureStatistics["features"].Mean);
        Assert.Equal(inMemory.TrainingHistory!.Epochs.Select(e => (e.TrainingLoss, e.Steps)), sharded.TrainingHistory!.Epochs.Select(e => (e.TrainingLoss, e.Steps)));
    }

    [Fact]
    public void ShuffledPasses_VisitEveryRowOnce_WindowByWindow_AndDependOnlyOnTheSeed()
    {
        var data = SyntheticData.RelatedTasks(count: 90, seed: 7); // 5 full shards of 16 rows and one of 10
        var store = ShardedDataset.Write(data, Path.Combine(folder, "s"), rowsPerShard: 16, memoryBudget: TwoShardBudget);
        var firstFeature = data.Inputs["features"].Values.ToArray().Where((_, i) => i % 5 == 0).ToArray();

        List<List<float>> Passes(int seed)
        {
            var definition = Definition(data);
            using var network = new MultitaskNetwork(definition, TorchSharp.torch.CPU);
            var options = new TrainerOptions { BatchSize = 7, Seed = seed, Shuffle = true };
            using var prepared = PreparedData.CreateWindow(network, store, 2 * 16);
            using var window = new ShardWindow(network, store, prepared, new Dictionary<string, FeatureStatistics>(), new Dictionary<string, TargetStatistics>());
            using var scheduler = new ShardWindowScheduler(window, store, 2, options, TorchSharp.torch.CPU);
            var passes = new List<List<float>>();
            for (var pass = 0; pass < 3; pass++)
            {
                var seen = new List<float>();
                for (var step = 0; step < scheduler.StepsPerEpoch; step++)
                {
                    var rows = scheduler.NextRows()[0];
                    var features = prepared.Inputs[0].Features;
                    seen.AddRange(Enumerable.Range(rows.Start, rows.Length).Select(i => features[rows.Order[i], 0].item<float>()));
                }

                passes.Add(seen);
            }

            return passes;
        }

        var passes = Passes(seed: 11);
        foreach (var pass in passes)
        {
            Assert.Equal(firstFeature.Order(), pass.Order()); // every row once per pass (the first feature is unique here)
        }

        Assert.NotEqual(passes[0], passes[1]);
        Assert.NotEqual(firstFeature, passes[0]);
        Assert.Equal(passes, Passes(seed: 11));
        Assert.NotEqual(passes, Passes(seed: 12));
        var shardOf = firstFeature.Select((v, i) => (v, i / 16)).ToDictionary(x => x.v, x => x.Item2);
        var windows = passes[0].Chunk(32).Select(w => w.Select(v => shardOf[v]).Distinct().Count()).ToArray();
        Assert.All(windows, count => Assert.True(count <= 2, $"a window mixed rows of {count} shards")); // windows of two shards
        Assert.Equal(5, shardOf[passes[0][^1]]); // the short shard (index 5) stays in the last window
    }

    [Fact]
    public void StoppedRun_Resumed_EqualsUninterruptedRun()
    {
        var data = SyntheticData.RelatedTasks(count: 90, seed: 8);
        var store = ShardedDataset.Write(data, Path.Combine(folder, "s"), rowsPerShard: 16, memoryBudget: TwoShardBudget);
        var definition = Definition(data);
        TrainerOptions Options() => new TrainerOptions { Epochs = 4, BatchSize = 8, Seed = 3, Optimizer = OptimizerKind.Adam, Engine = TrainingEngine.Fused }.Deterministic();
        using var reference = new MultitaskTrainer(Options()).Fit(definition, store);

        var checkpoints = Path.Combine(folder, "run");
        var interrupted = Options();
        interrupted.Checkpoints = new CheckpointOptions(checkpoints) { EveryEpochs = 1 };
        using (var stop = new CancellationTokenSource())
        {
            var progress = new Tests.Training.ResumeTests.Stopper(report => report.Epoch == 2, stop);
            Assert.Throws<OperationCanceledException>(() => new MultitaskTrainer(interrupted).Fit(definition, store, null, progress, stop.Token).Dispose());
        }

        var resumed = Options();
        resumed.ResumeFrom = checkpoints;
        using var model = new MultitaskTrainer(resumed).Fit(definition, store);
        Assert.EndsWith("epoch-0002.mtl", model.TrainingHistory!.ResumedFrom, StringComparison.Ordinal);
        Assert.Equal(Flatten(reference), Flatten(model));

        var other = ShardedDataset.Write(data, Path.Combine(folder, "other"), rowsPerShard: 16, memoryBudget: TwoShardBudget);
        var error = Assert.Throws<InvalidDataException>(() => new MultitaskTrainer(resumed).Fit(definition, other).Dispose());
        Assert.Contains("another shard store", error.Message, StringComparison.Ordinal);
        var inMemory = Assert.Throws<InvalidDataException>(() => new MultitaskTrainer(resumed).Fit(definition, data).Dispose());
        Assert.Contains("shard store", inMemory.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DisposedWithoutComplete_LeavesNothingBehind_AndTheFolderIsNoStore()
    {
        var target = Path.Combine(folder, "partial");
        using (var writer = new ShardedDatasetWriter(target, "features", [5], [TaskDefinition.Regression("score")], rowsPerShard: 4))
        {
            writer.Append(new float[5 * 10], new Dictionary<string, LabelColumn> { ["score"] = LabelColumn.FromValues(new double[10]) });
            Assert.True(File.Exists(Path.Combine(target, "shard-00001.bin")));
        }

        Assert.False(Directory.Exists(target));
        Directory.CreateDirectory(target);
        var error = Assert.Throws<FileNotFoundException>(() => ShardedDataset.Open(target));
        Assert.Contains("shards.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadInput_GetsAnErrorThatNamesTheFileRowOrOption()
    {
        var data = SyntheticData.RelatedTasks(count: 40, seed: 9);
        var path = Path.Combine(folder, "s");
        var store = ShardedDataset.Write(data, path, rowsPerShard: 16);

        // A truncated shard: opening names the file.
        var shard = Path.Combine(path, "shard-00001.bin");
        var bytes = File.ReadAllBytes(shard);
        File.WriteAllBytes(shard, bytes[..^3]);
        var truncated = Assert.Throws<InvalidDataException>(() => ShardedDataset.Open(path));
        Assert.Contains("shard-00001.bin", truncated.Message, StringComparison.Ordinal);
        File.WriteAllBytes(shard, bytes);

        // A damaged description names the field.
        var manifest = Path.Combine(path, "shards.json");
        var text = File.ReadAllText(manifest);
        File.WriteAllText(manifest, text.Replace("\"rowsPerShard\": 16", "\"rowsPerShard\": 15", StringComparison.Ordinal));
        Assert.Contains("rowsPerShard", Assert.Throws<InvalidDataException>(() => ShardedDataset.Open(path)).Message, StringComparison.Ordinal);
        File.WriteAllText(manifest, text);

        // A folder that is not empty is not written into.
        Assert.Throws<ArgumentException>(() => ShardedDataset.Write(data, path));

        // A label that does not fit names the row over the whole store.
        using (var writer = new ShardedDatasetWriter(Path.Combine(folder, "w"), "features", [5], data.Tasks, rowsPerShard: 8))
        {
            writer.Append(new float[5 * 10], new Dictionary<string, LabelColumn> { ["pass"] = LabelColumn.FromLabels(Enumerable.Repeat<string?>("no", 10).ToArray()) });
            var values = new float[5 * 3];
            values[7] = float.PositiveInfinity;
            var infinite = Assert.Throws<ArgumentException>(() => writer.Append(values, new Dictionary<string, LabelColumn>()));
            Assert.Contains("row 10", infinite.Message, StringComparison.Ordinal);
            Assert.Contains("sample 1, value 2", infinite.Message, StringComparison.Ordinal);
            Assert.Contains("score", Assert.Throws<InvalidOperationException>(() => writer.Complete()).Message, StringComparison.Ordinal); // never labelled
        }

        // Options that need every row at once, a budget without room for a shard, a Median policy.
        var definition = Definition(data);
        Assert.Contains("FullBatch", Assert.Throws<ArgumentException>(() => new MultitaskTrainer(new TrainerOptions { Mode = GradientDescentMode.FullBatch }).Fit(definition, store).Dispose()).Message, StringComparison.Ordinal);
        Assert.Contains("TaskSampling", Assert.Throws<ArgumentException>(() => new MultitaskTrainer(new TrainerOptions { TaskSampling = TaskSampling.RoundRobin }).Fit(definition, store).Dispose()).Message, StringComparison.Ordinal);
        var tiny = ShardedDataset.Open(path, memoryBudget: 1000);
        var budget = Assert.Throws<ArgumentException>(() => new MultitaskTrainer(new TrainerOptions()).Fit(definition, tiny).Dispose());
        Assert.Contains("memory budget", budget.Message, StringComparison.Ordinal);
        var median = MultitaskModelBuilder.FromDataset(data, i => i with { MissingValues = MissingValuePolicy.Median }).UseFamily(ModelFamily.SharedTrunk, new ArchitectureOptions { TrunkLayers = [8] }).Build();
        Assert.Contains("Median", Assert.Throws<InvalidDataException>(() => new MultitaskTrainer(new TrainerOptions()).Fit(median, store).Dispose()).Message, StringComparison.Ordinal);
    }

    private static MultitaskDataset WithMissingValues(MultitaskDataset data)
    {
        var table = data.Inputs["features"];
        var values = table.Values.ToArray();
        values[3] = float.NaN;
        values[(17 * 5) + 1] = float.NaN;
        var labels = data.Tasks.ToDictionary(t => t.Name, t => LabelColumn.FromTargets(data.Targets[t.Name]), StringComparer.Ordinal);
        return new MultitaskDatasetBuilder(data.Tasks).AddSamples("features", values, [5], labels).Build();
    }

    private static MultitaskModelDefinition Definition(MultitaskDataset data) =>
        MultitaskModelBuilder.FromDataset(data, i => i with { EncoderLayers = [8] }).UseFamily(ModelFamily.SharedTrunk, new ArchitectureOptions { TrunkLayers = [16, 8] }).Build();

    private static float[] Flatten(MultitaskModel model) => model.Network.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
}
