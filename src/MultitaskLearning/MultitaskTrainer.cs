using MultitaskLearning.Data;
using MultitaskLearning.Data.Shards;
using MultitaskLearning.Models;
using MultitaskLearning.Runtime;
using MultitaskLearning.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MultitaskLearning;

/// <summary>
/// Trains multitask models: every step it computes each task's mean loss on the batch (missing labels masked out),
/// combines them with the loss-weighting strategy (by default L = Σ_t α_t L_t), optionally recombines the per-task
/// gradients of the shared parameters with a gradient aggregator, and takes an optimiser step. It reports progress
/// per epoch (and within epochs through <see cref="TrainerOptions.StepProgress"/>), honours a cancellation token per
/// step, stops early on validation data and writes checkpoints.
/// </summary>
/// <example>
/// <code>
/// var trainer = new MultitaskTrainer(new TrainerOptions { Epochs = 100, LearningRate = 0.01 });
/// using var model = trainer.Fit(definition, split.Train, split.Validation);
/// Console.WriteLine(model.Evaluate(split.Test));
/// </code>
/// </example>
public sealed class MultitaskTrainer
{
    private readonly TrainerOptions options;

    /// <summary>Creates a trainer.</summary>
    /// <param name="options">The options (validated now); <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentException">An option is out of range; the message lists every problem.</exception>
    public MultitaskTrainer(TrainerOptions? options = null)
    {
        this.options = options ?? new TrainerOptions();
        this.options.Validate();
    }

    /// <summary>Trains a new model from a definition.</summary>
    /// <param name="definition">The model definition.</param>
    /// <param name="train">Training data; normalisation statistics come from it alone.</param>
    /// <param name="validation">Validation data for progress, early stopping and best checkpoints; optional.</param>
    /// <param name="progress">Receives one report per epoch (reports within epochs go to <see cref="TrainerOptions.StepProgress"/>).</param>
    /// <param name="cancellationToken">Checked once per step.</param>
    /// <returns>The trained model; the caller disposes it.</returns>
    /// <exception cref="ArgumentException">The training data has no rows, a trained task has no labelled training row,
    /// the options do not fit the model or data (early stopping without validation data, an aggregator on a
    /// task-specific model, ...), or a checkpoint to resume from belongs to another run; the message names the task,
    /// option or difference.</exception>
    /// <exception cref="TrainingDivergedException">A loss became NaN or infinite; the message names task, epoch and step.</exception>
    /// <exception cref="InvalidDataException">The checkpoint to resume from is corrupt.</exception>
    public MultitaskModel Fit(
        MultitaskModelDefinition definition,
        MultitaskDataset train,
        MultitaskDataset? validation = null,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(train);
        return Train(NewNetwork(definition, options.Device), null, null, train, null, validation, progress, cancellationToken);
    }

    /// <summary>Trains a new model from a definition on data larger than memory: a shard store, read a window of
    /// shards at a time within its <see cref="ShardedDataset.MemoryBudget"/>. Each epoch is one pass over the store in
    /// a seeded order of shards, with the rows of each window shuffled; statistics come from the whole store.</summary>
    /// <param name="definition">The model definition.</param>
    /// <param name="train">The training store; it has one input, which the model must have.</param>
    /// <param name="validation">Validation data (in memory) for progress, early stopping and best checkpoints; optional.</param>
    /// <param name="progress">Receives one report per epoch.</param>
    /// <param name="cancellationToken">Checked once per step.</param>
    /// <returns>The trained model; the caller disposes it.</returns>
    /// <exception cref="ArgumentException">As for in-memory data; also when the budget holds no shard, or the options
    /// need every row at once (<see cref="GradientDescentMode.FullBatch"/>, task sampling other than
    /// <see cref="TaskSampling.AllInputs"/>).</exception>
    /// <exception cref="InvalidDataException">A shard file is damaged, or the store's statistics do not fit the input's
    /// missing-value policy (Median needs every value in memory).</exception>
    /// <exception cref="TrainingDivergedException">A loss became NaN or infinite.</exception>
    public MultitaskModel Fit(
        MultitaskModelDefinition definition,
        ShardedDataset train,
        MultitaskDataset? validation = null,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(train);
        return Train(NewNetwork(definition, options.Device), null, null, null, train, validation, progress, cancellationToken);
    }

    /// <summary>Continues training a copy of a model (for example one made by <see cref="MultitaskModel.WithAddedTask"/>).
    /// The model's feature statistics are kept; target statistics are computed for tasks that have none.</summary>
    /// <param name="initial">The starting model; it is not changed.</param>
    /// <param name="train">Training data.</param>
    /// <param name="validation">Validation data; optional.</param>
    /// <param name="progress">Receives one report per epoch (reports within epochs go to <see cref="TrainerOptions.StepProgress"/>).</param>
    /// <param name="cancellationToken">Checked once per step.</param>
    /// <returns>The trained copy; the caller disposes it.</returns>
    public MultitaskModel Fit(
        MultitaskModel initial,
        MultitaskDataset train,
        MultitaskDataset? validation = null,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(initial);
        ArgumentNullException.ThrowIfNull(train);
        return Train(CopyNetwork(initial), initial.FeatureStatistics, initial.TargetStatistics, train, null, validation, progress, cancellationToken);
    }

    /// <summary>Continues training a copy of a model on a shard store (see
    /// <see cref="Fit(MultitaskModelDefinition, ShardedDataset, MultitaskDataset?, IProgress{TrainingProgress}?, CancellationToken)"/>).
    /// The model's feature statistics are kept.</summary>
    /// <param name="initial">The starting model; it is not changed.</param>
    /// <param name="train">The training store.</param>
    /// <param name="validation">Validation data; optional.</param>
    /// <param name="progress">Receives one report per epoch.</param>
    /// <param name="cancellationToken">Checked once per step.</param>
    /// <returns>The trained copy; the caller disposes it.</returns>
    public MultitaskModel Fit(
        MultitaskModel initial,
        ShardedDataset train,
        MultitaskDataset? validation = null,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(initial);
        ArgumentNullException.ThrowIfNull(train);
        return Train(CopyNetwork(initial), initial.FeatureStatistics, initial.TargetStatistics, null, train, validation, progress, cancellationToken);
    }

    /// <summary>Writes what a PyTorch run needs to train this model on a shard store on other machines (see
    /// <c>samples/PyTorchInterop/train_ddp.py</c>, which trains with DistributedDataParallel): the folder
    /// <see cref="MultitaskModel.ExportPyTorch(string)"/> writes, holding the initial weights that
    /// <see cref="Fit(MultitaskModelDefinition, ShardedDataset, MultitaskDataset?, IProgress{TrainingProgress}?, CancellationToken)"/>
    /// would start from (the same <see cref="TrainerOptions.Seed"/>) and the preprocessing statistics it would compute
    /// from the store. Import the trained weights with <see cref="MultitaskModel.ImportPyTorch"/>.</summary>
    /// <param name="definition">The model definition.</param>
    /// <param name="train">The training store (its statistics are the model's).</param>
    /// <param name="directory">The export folder (created when missing).</param>
    /// <exception cref="ArgumentException">The store does not fit the model; the message names the task or input.</exception>
    /// <exception cref="InvalidDataException">The store's statistics do not fit the input's missing-value policy.</exception>
    public void ExportForPyTorchTraining(MultitaskModelDefinition definition, ShardedDataset train, string directory)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        PreparedData.CheckCompatible(definition, train);
        using var network = NewNetwork(definition, CPU); // a shard store trains on the CPU
        var (features, targets) = TrainingRun.Statistics(options, definition, null, null, null, train);
        Interop.PyTorchExchange.Export(network, features, targets, directory);
    }

    /// <summary>A new network of the definition on <paramref name="device"/>, initialised from <see cref="TrainerOptions.Seed"/>.</summary>
    private MultitaskNetwork NewNetwork(MultitaskModelDefinition definition, Device? device)
    {
        TorchBackend.EnsureAvailable();
        manual_seed(options.Seed);
        return new MultitaskNetwork(definition, device);
    }

    /// <summary>A copy of the model's network to train, the generator seeded from <see cref="TrainerOptions.Seed"/>.</summary>
    private MultitaskNetwork CopyNetwork(MultitaskModel initial)
    {
        TorchBackend.EnsureAvailable();
        manual_seed(options.Seed);
        return initial.Clone().Network;
    }

    private MultitaskModel Train(
        MultitaskNetwork network,
        IReadOnlyDictionary<string, FeatureStatistics>? knownFeatures,
        IReadOnlyDictionary<string, TargetStatistics>? knownTargets,
        MultitaskDataset? train,
        ShardedDataset? shards,
        MultitaskDataset? validation,
        IProgress<TrainingProgress>? progress,
        CancellationToken cancellationToken)
    {
        var previousThreads = get_num_threads();
        if (options.Threads is { } threads)
        {
            set_num_threads(threads);
        }

        try
        {
            using var run = new TrainingRun(options, network, knownFeatures, knownTargets, train, shards, validation);
            var result = new TrainingLoop(run).Execute(progress, cancellationToken);
            return new MultitaskModel(result.Network, result.FeatureStatistics, result.TargetStatistics, result.History);
        }
        catch
        {
            network.Dispose();
            throw;
        }
        finally
        {
            if (get_num_threads() != previousThreads)
            {
                set_num_threads(previousThreads); // Threads, or the contention guard, changed it
            }
        }
    }
}
