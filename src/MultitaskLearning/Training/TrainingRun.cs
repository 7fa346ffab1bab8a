using Microsoft.Extensions.Logging;
using MultitaskLearning.Data;
using MultitaskLearning.Data.Shards;
using MultitaskLearning.Models;
using MultitaskLearning.Runtime;
using MultitaskLearning.Tasks;
using MultitaskLearning.Training.Weighting;
using static TorchSharp.torch;

namespace MultitaskLearning.Training;

/// <summary>
/// Everything one call of Fit sets up before the first step: preprocessing statistics from the training split, the
/// prepared tensors, which parameters are trained (frozen shared layers, <see cref="TrainerOptions.TrainableTasks"/>),
/// the loss-weighting state, the run's random source and the engine. It disposes all of it except the network.
/// </summary>
internal sealed class TrainingRun : IDisposable
{
    public TrainingRun(
        TrainerOptions options,
        MultitaskNetwork network,
        IReadOnlyDictionary<string, FeatureStatistics>? knownFeatures,
        IReadOnlyDictionary<string, TargetStatistics>? knownTargets,
        MultitaskDataset? train,
        ShardedDataset? shards,
        MultitaskDataset? validation)
    {
        if ((train is null) == (shards is null))
        {
            throw new ArgumentException("Training reads either an in-memory dataset or a shard store.");
        }

        Options = options;
        Fingerprint = TrainingOptionsFingerprint.Of(options); // now: a strategy whose properties cannot be read fails before training
        Network = network;
        Logger = options.Logger;
        var definition = network.Definition;
        Tasks = definition.Tasks;
        Random = new SeededRandom(options.Seed);
        var trainable = options.TrainableTasks?.ToHashSet(StringComparer.Ordinal);
        if (trainable is not null)
        {
            foreach (var name in trainable)
            {
                definition.GetTask(name);
            }
        }

        var trainTasks = train?.Tasks ?? shards!.Tasks;
        long Labelled(string task) => train?.Targets[task].LabelledCount ?? shards!.LabelledCount(task);
        string Where(string task) => train is not null
            ? $"{train.Targets[task].Count} rows of input '{train.Targets[task].InputName}'"
            : $"{shards!.Count} rows of shard store '{shards.Directory}'";
        if ((train?.Count ?? shards!.Count) == 0)
        {
            throw new ArgumentException($"The training data has no samples (tasks {string.Join(", ", trainTasks.Select(t => t.Name))}).", nameof(train));
        }

        // A task that is trained needs labelled training rows; without them its loss is an empty mean (NaN). Tasks absent
        // from a validation split, and tasks that TrainableTasks leaves frozen, are fine.
        var unlabelled = trainTasks
            .Where(t => (trainable is null || trainable.Contains(t.Name)) && Labelled(t.Name) == 0)
            .Select(t => $"'{t.Name}' (0 of {Where(t.Name)} labelled)")
            .ToArray();
        if (unlabelled.Length > 0)
        {
            throw new ArgumentException(
                $"The training data has no labelled sample for task(s) {string.Join(", ", unlabelled)}. Label some training samples, leave the task out of the dataset, or leave it out of TrainerOptions.TrainableTasks.",
                nameof(train));
        }

        if (shards is not null)
        {
            CheckShardOptions(options, network, shards);
        }

        if (options.GradientAggregator is not null && options.AggregationSpace == AggregationSpace.SharedRepresentation
            && definition.Family is not (ModelFamily.SharedTrunk or ModelFamily.Hybrid))
        {
            throw new ArgumentException($"AggregationSpace.SharedRepresentation needs one shared representation (a shared-trunk or hybrid model); a {definition.Family.ToName()} model has none. Use AggregationSpace.SharedParameters.");
        }

        if (options.GradientAggregator is { } aggregator && definition.Family == ModelFamily.TaskSpecific)
        {
            throw new ArgumentException($"Gradient aggregator '{aggregator.Name}' combines gradients of shared parameters, and a task-specific model has none. Use a shared-trunk or hybrid model, or no aggregator.");
        }

        (FeatureStatistics, TargetStatistics) = Statistics(options, definition, knownFeatures, knownTargets, train, shards);

        try
        {
            if (shards is not null)
            {
                ShardsPerWindow = ShardsPerWindowOf(network, shards);
                TrainData = PreparedData.CreateWindow(network, shards, ShardsPerWindow * shards.RowsPerShard);
                Window = new ShardWindow(network, shards, TrainData, FeatureStatistics, TargetStatistics);
                Shards = shards;
            }
            else
            {
                TrainData = PreparedData.Create(network, train!, FeatureStatistics, TargetStatistics, "Training");
            }

            if (trainTasks.All(t => Labelled(t.Name) == 0))
            {
                throw new ArgumentException("The training data has no labelled sample for any task.", nameof(train));
            }

            ValidationData = validation is { Count: > 0 }
                ? PreparedData.Create(network, validation, FeatureStatistics, TargetStatistics, "Validation")
                : null;
            if (options.EarlyStopping is not null && ValidationData is null)
            {
                throw new ArgumentException("Early stopping needs validation data; pass a non-empty validation set to Fit.", nameof(validation));
            }

            Weighting = options.LossWeighting.CreateState(Tasks, network.Device);
            network.DropoutMasks.Seed = (ulong)(uint)options.Seed;
            Parameters = SelectTrainable(trainable);
            Weighting.Attach(Parameters.SharedTensors);
            Parameters = Parameters with
            {
                TaskSpecific = [.. Parameters.TaskSpecific, .. Weighting.Parameters.Select((p, i) => ($"weighting/{i}", p))],
            };
            if (!Parameters.All.Any())
            {
                throw new ArgumentException("Nothing to train: the shared parameters are frozen (SharedLearningRateFactor = 0) and TrainableTasks selects no task parameters.");
            }

            Recorder = options.RecordTaskRelationships || options.RecordTaskAffinity
                ? new TaskRelationshipRecorder(Tasks, options.RecordTaskAffinity)
                : null;
            Engine = CreateEngine();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public TrainerOptions Options { get; }

    /// <summary>The options that decide the run's results, as checkpoints store them.</summary>
    public IReadOnlyDictionary<string, string> Fingerprint { get; }

    public MultitaskNetwork Network { get; }

    public ILogger Logger { get; }

    public IReadOnlyList<TaskDefinition> Tasks { get; }

    /// <summary>The run's random source: data order, task sampling, randomised aggregators.</summary>
    public SeededRandom Random { get; }

    public Dictionary<string, FeatureStatistics> FeatureStatistics { get; }

    public Dictionary<string, TargetStatistics> TargetStatistics { get; }

    /// <summary>The prepared training rows: all of an in-memory dataset, or a window of a shard store.</summary>
    public PreparedData TrainData { get; } = null!;

    /// <summary>The shard store trained on, if any.</summary>
    public ShardedDataset? Shards { get; }

    /// <summary>Shards per window of <see cref="Shards"/> (0 for in-memory data).</summary>
    public int ShardsPerWindow { get; }

    /// <summary>The window of <see cref="Shards"/> that <see cref="TrainData"/> holds.</summary>
    public ShardWindow? Window { get; }

    public PreparedData? ValidationData { get; }

    public LossWeightingState Weighting { get; } = null!;

    public TrainableParameters Parameters { get; } = null!;

    public TaskRelationshipRecorder? Recorder { get; }

    public ITrainingEngine Engine { get; } = null!;

    /// <summary>The preprocessing statistics a run trains with: the known ones (a model trained further keeps its
    /// own), else computed from the training data — in memory or a shard store — alone.</summary>
    internal static (Dictionary<string, FeatureStatistics> Features, Dictionary<string, TargetStatistics> Targets) Statistics(
        TrainerOptions options,
        MultitaskModelDefinition definition,
        IReadOnlyDictionary<string, FeatureStatistics>? knownFeatures,
        IReadOnlyDictionary<string, TargetStatistics>? knownTargets,
        MultitaskDataset? train,
        ShardedDataset? shards)
    {
        var features = new Dictionary<string, FeatureStatistics>(StringComparer.Ordinal);
        foreach (var input in definition.Inputs)
        {
            if (knownFeatures is not null && knownFeatures.TryGetValue(input.Name, out var known))
            {
                features[input.Name] = known;
            }
            else if (train is not null && train.Inputs.TryGetValue(input.Name, out var table) && table.Count > 0)
            {
                features[input.Name] = Data.FeatureStatistics.Compute(table, input.Standardize, input.MissingValues);
            }
            else if (shards is not null && shards.InputName == input.Name)
            {
                features[input.Name] = shards.FeatureStatistics(input.Standardize, input.MissingValues);
            }
        }

        var targets = new Dictionary<string, TargetStatistics>(StringComparer.Ordinal);
        foreach (var task in definition.Tasks.Where(t => t.Kind == TaskKind.Regression))
        {
            if (knownTargets is not null && knownTargets.TryGetValue(task.Name, out var known))
            {
                targets[task.Name] = known;
            }
            else if (options.StandardizeRegressionTargets && train is not null && train.Targets.TryGetValue(task.Name, out var taskTargets) && taskTargets.LabelledCount > 0)
            {
                targets[task.Name] = Data.TargetStatistics.Compute(taskTargets);
            }
            else if (options.StandardizeRegressionTargets && shards?.IndexOf(task.Name) is not null && shards.LabelledCount(task.Name) > 0)
            {
                targets[task.Name] = shards.TargetStatistics(task.Name);
            }
        }

        return (features, targets);
    }

    /// <summary>The source of each step's rows: the in-memory scheduler, or windows of the shard store.</summary>
    public IBatchSource CreateBatchSource() => Shards is null
        ? new BatchScheduler(TrainData, Options, Random)
        : new ShardWindowScheduler(Window!, Shards, ShardsPerWindow, Options, Network.Device);

    /// <summary>How many shards fit the store's memory budget at once: each row prepared twice (samples, targets and
    /// masks as float32, in the window and in the staging rows of the next), its place in the row order and the
    /// order's tensor, next to one mapped shard file.</summary>
    /// <exception cref="ArgumentException">Not even one shard fits; the message says how much one needs.</exception>
    internal static int ShardsPerWindowOf(MultitaskNetwork network, ShardedDataset shards)
    {
        var layout = network.LayoutOf(shards.InputName);
        // Twice the prepared row: the window trained on and the staging rows the next window is read into.
        long preparedRow = (8L * (shards.SampleSize + layout.Tasks.Sum(t => t.TargetWidth) + layout.Tasks.Count)) + (2 * sizeof(long));
        var mapped = shards.RowsPerShard * shards.Layout.RowBytes;
        var perShard = shards.RowsPerShard * preparedRow;
        var fits = (shards.MemoryBudget - mapped) / perShard;
        if (fits < 1)
        {
            throw new ArgumentException(
                $"The memory budget of shard store '{shards.Directory}' ({shards.MemoryBudget:N0} bytes) holds no window: one shard of {shards.RowsPerShard} rows needs {perShard:N0} bytes prepared plus {mapped:N0} mapped, {perShard + mapped:N0} in all. Raise the budget or write smaller shards.");
        }

        var windows = (int)Math.Min(fits, shards.ShardCount);
        if ((long)windows * shards.RowsPerShard > int.MaxValue / Math.Max(1, shards.SampleSize))
        {
            windows = Math.Max(1, int.MaxValue / Math.Max(1, shards.SampleSize) / shards.RowsPerShard);
        }

        return windows;
    }

    public void Dispose()
    {
        Engine?.Dispose();
        Window?.Dispose();
        TrainData?.Dispose();
        ValidationData?.Dispose();
        Weighting?.Dispose();
    }

    /// <summary>Freezes what is not trained (the returned model gets requires_grad back) and names what is.</summary>
    private TrainableParameters SelectTrainable(HashSet<string>? trainable)
    {
        var definition = Network.Definition;
        var names = Network.named_parameters().ToDictionary(p => p.parameter.Handle, p => p.name);
        var sharedFrozen = Options.SharedLearningRateFactor == 0;
        foreach (var p in Network.SharedParameters())
        {
            p.requires_grad = !sharedFrozen;
        }

        var blockParameters = new List<(string, TorchSharp.Modules.Parameter)>();
        foreach (var block in definition.TaskBlocks)
        {
            var trained = block.Where(name => trainable is null || trainable.Contains(name)).ToArray();
            if (trained.Length != 0 && trained.Length != block.Count)
            {
                throw new ArgumentException(
                    $"TrainableTasks selects {string.Join(", ", trained)} but not {string.Join(", ", block.Except(trained))}, and these tasks share one parameter block; train or freeze them together (a task added with WithAddedTask has a block of its own).");
            }

            foreach (var p in Network.TaskParameters(block[0]))
            {
                p.requires_grad = trained.Length != 0;
                if (p.requires_grad)
                {
                    blockParameters.Add((names[p.Handle], p));
                }
            }
        }

        var shared = Network.SharedParameters().Where(p => p.requires_grad).Select(p => (names[p.Handle], p)).ToArray();
        return new TrainableParameters(shared, blockParameters);
    }

    private static void CheckShardOptions(TrainerOptions options, MultitaskNetwork network, ShardedDataset shards)
    {
        if (network.Device.type != TorchSharp.DeviceType.CPU)
        {
            throw new ArgumentException($"Shard store '{shards.Directory}' is read into CPU memory a window at a time; training on it runs on the CPU, not on {network.Device}. Load a part that fits the device's memory with ShardedDataset.ReadRows, or train on the CPU.");
        }

        if (options.Mode == GradientDescentMode.FullBatch)
        {
            throw new ArgumentException($"GradientDescentMode.FullBatch needs every row in memory; shard store '{shards.Directory}' is read a window at a time. Use MiniBatch.");
        }

        if (options.TaskSampling != TaskSampling.AllInputs)
        {
            throw new ArgumentException($"TaskSampling.{options.TaskSampling} draws rows per task from the whole dataset; shard store '{shards.Directory}' is read a window at a time. Use TaskSampling.AllInputs.");
        }
    }

    private ITrainingEngine CreateEngine()
    {
        var engine = Options.Engine;
        switch (engine)
        {
            case TrainingEngine.Autograd:
                Logger.LogInformation("Training engine: autograd (requested).");
                return new AutogradEngine(Options, Network, TrainData, Tasks, Weighting, Parameters, Random, Recorder);
            case TrainingEngine.Fused or TrainingEngine.Automatic:
                var reason = FusedEngine.Unsupported(Options, Network, TrainData, Weighting);
                if (reason is null)
                {
                    Logger.LogInformation("Training engine: fused ({Why}).", engine == TrainingEngine.Fused ? "requested" : "the engine implements this model and these options");
                    return FusedEngine.Create(Options, Network, TrainData, Tasks, Weighting, Random);
                }

                if (engine == TrainingEngine.Fused)
                {
                    throw new ArgumentException($"TrainerOptions.Engine is Fused, but {reason}. Use TrainingEngine.Automatic or Autograd for this configuration.");
                }

                Logger.LogInformation("Training engine: autograd (the fused engine does not apply: {Reason}).", reason);
                return new AutogradEngine(Options, Network, TrainData, Tasks, Weighting, Parameters, Random, Recorder);
            default:
                throw new ArgumentOutOfRangeException(nameof(engine), engine, "Unknown training engine.");
        }
    }
}
