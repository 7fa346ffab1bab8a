using System.Diagnostics;
using MultitaskLearning.Data;
using MultitaskLearning.Models;
using MultitaskLearning.Persistence;
using MultitaskLearning.Runtime;
using MultitaskLearning.Tasks;
using MultitaskLearning.Training.Weighting;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MultitaskLearning.Training;

/// <summary>
/// Trains multitask models: every step it computes each task's mean loss on the batch (missing labels masked out),
/// combines them with the loss-weighting strategy (by default L = Σ_t α_t L_t), optionally recombines the per-task
/// gradients of the shared parameters with a gradient aggregator, and takes an optimiser step. It reports progress
/// per epoch, honours a cancellation token per step, stops early on validation data and writes checkpoints.
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
    /// <param name="progress">Receives one report per epoch.</param>
    /// <param name="cancellationToken">Checked once per step.</param>
    /// <returns>The trained model; the caller disposes it.</returns>
    public MultitaskModel Fit(
        MultitaskModelDefinition definition,
        MultitaskDataset train,
        MultitaskDataset? validation = null,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        TorchBackend.EnsureAvailable();
        manual_seed(options.Seed);
        var network = new MultitaskNetwork(definition, options.Device);
        return Train(network, null, null, train, validation, progress, cancellationToken);
    }

    /// <summary>Continues training a copy of a model (for example one made by <see cref="MultitaskModel.WithAddedTask"/>).
    /// The model's feature statistics are kept; target statistics are computed for tasks that have none.</summary>
    /// <param name="initial">The starting model; it is not changed.</param>
    /// <param name="train">Training data.</param>
    /// <param name="validation">Validation data; optional.</param>
    /// <param name="progress">Receives one report per epoch.</param>
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
        TorchBackend.EnsureAvailable();
        manual_seed(options.Seed);
        var network = initial.Clone().Network;
        return Train(network, initial.FeatureStatistics, initial.TargetStatistics, train, validation, progress, cancellationToken);
    }

    private MultitaskModel Train(
        MultitaskNetwork network,
        IReadOnlyDictionary<string, FeatureStatistics>? knownFeatures,
        IReadOnlyDictionary<string, TargetStatistics>? knownTargets,
        MultitaskDataset train,
        MultitaskDataset? validation,
        IProgress<TrainingProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(train);
        var previousThreads = get_num_threads();
        if (options.Threads is { } threads)
        {
            set_num_threads(threads);
        }

        try
        {
            using var run = new TrainingRun(options, network, knownFeatures, knownTargets, train, validation);
            return run.Execute(progress, cancellationToken);
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

    /// <summary>The state of one call to Fit; disposes everything it creates except the returned model.</summary>
    private sealed class TrainingRun : IDisposable
    {
        private readonly TrainerOptions options;
        private readonly MultitaskNetwork network;
        private readonly IReadOnlyList<TaskDefinition> tasks;
        private readonly Dictionary<string, FeatureStatistics> featureStatistics;
        private readonly Dictionary<string, TargetStatistics> targetStatistics;
        private readonly PreparedData trainData;
        private readonly PreparedData? validationData;
        private readonly LossWeightingState weighting;
        private readonly Parameter[] sharedParameters;
        private readonly Parameter[] otherParameters;
        private readonly optim.Optimizer optimizer;
        private readonly optim.lr_scheduler.LRScheduler? learningRateScheduler;
        private readonly Tensor[] globalTaskIndices;
        private readonly Random random;
        private readonly List<TrainingProgress> history = [];
        private readonly double[,] cosineSums;
        private readonly long[,] conflictCounts;
        private readonly long[,] pairSteps;
        private readonly double[,] affinitySums;
        private readonly long[,] affinitySteps;
        private readonly FusedDenseEngine? fused;
        private Dictionary<string, Tensor>? bestState;

        public TrainingRun(
            TrainerOptions options,
            MultitaskNetwork network,
            IReadOnlyDictionary<string, FeatureStatistics>? knownFeatures,
            IReadOnlyDictionary<string, TargetStatistics>? knownTargets,
            MultitaskDataset train,
            MultitaskDataset? validation)
        {
            this.options = options;
            this.network = network;
            var definition = network.Definition;
            tasks = definition.Tasks;
            random = new Random(options.Seed);
            cosineSums = new double[tasks.Count, tasks.Count];
            conflictCounts = new long[tasks.Count, tasks.Count];
            pairSteps = new long[tasks.Count, tasks.Count];
            affinitySums = new double[tasks.Count, tasks.Count];
            affinitySteps = new long[tasks.Count, tasks.Count];
            var trainable = options.TrainableTasks?.ToHashSet(StringComparer.Ordinal);
            if (trainable is not null)
            {
                foreach (var name in trainable)
                {
                    definition.GetTask(name);
                }
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

            featureStatistics = new Dictionary<string, FeatureStatistics>(StringComparer.Ordinal);
            foreach (var input in definition.Inputs)
            {
                if (knownFeatures is not null && knownFeatures.TryGetValue(input.Name, out var known))
                {
                    featureStatistics[input.Name] = known;
                }
                else if (train.Inputs.TryGetValue(input.Name, out var table) && table.Count > 0)
                {
                    featureStatistics[input.Name] = FeatureStatistics.Compute(table, input.Standardize, input.MissingValues);
                }
            }

            targetStatistics = new Dictionary<string, TargetStatistics>(StringComparer.Ordinal);
            foreach (var task in tasks.Where(t => t.Kind == TaskKind.Regression))
            {
                if (knownTargets is not null && knownTargets.TryGetValue(task.Name, out var known))
                {
                    targetStatistics[task.Name] = known;
                }
                else if (options.StandardizeRegressionTargets && train.Targets.TryGetValue(task.Name, out var targets) && targets.LabelledCount > 0)
                {
                    targetStatistics[task.Name] = TargetStatistics.Compute(targets);
                }
            }

            try
            {
                trainData = PreparedData.Create(network, train, featureStatistics, targetStatistics, "Training");
                if (train.Tasks.All(t => train.Targets[t.Name].LabelledCount == 0))
                {
                    throw new ArgumentException("The training data has no labelled sample for any task.", nameof(train));
                }

                validationData = validation is { Count: > 0 }
                    ? PreparedData.Create(network, validation, featureStatistics, targetStatistics, "Validation")
                    : null;
                if (options.EarlyStopping is not null && validationData is null)
                {
                    throw new ArgumentException("Early stopping needs validation data; pass a non-empty validation set to Fit.", nameof(validation));
                }

                var device = network.Device;
                weighting = options.LossWeighting.CreateState(tasks, device);
                globalTaskIndices = trainData.Inputs
                    .Select(i => tensor(i.Layout.Tasks.Select(t => (long)IndexOfTask(t.Name)).ToArray(), device: device))
                    .ToArray();

                // Freeze what is not trained; the returned model gets requires_grad back.
                var sharedFrozen = options.SharedLearningRateFactor == 0;
                foreach (var p in network.SharedParameters())
                {
                    p.requires_grad = !sharedFrozen;
                }

                var blockParameters = new List<Parameter>();
                foreach (var block in definition.TaskBlocks)
                {
                    var trained = block.Where(name => trainable is null || trainable.Contains(name)).ToArray();
                    if (trained.Length != 0 && trained.Length != block.Count)
                    {
                        throw new ArgumentException(
                            $"TrainableTasks selects {string.Join(", ", trained)} but not {string.Join(", ", block.Except(trained))}, and these tasks share one parameter block; train or freeze them together (a task added with WithAddedTask has a block of its own).");
                    }

                    foreach (var p in network.TaskParameters(block[0]))
                    {
                        p.requires_grad = trained.Length != 0;
                        if (p.requires_grad)
                        {
                            blockParameters.Add(p);
                        }
                    }
                }

                sharedParameters = network.SharedParameters().Where(p => p.requires_grad).ToArray();
                weighting.Attach(sharedParameters);
                otherParameters = blockParameters.Concat(weighting.Parameters).ToArray();
                if (sharedParameters.Length + otherParameters.Length == 0)
                {
                    throw new ArgumentException("Nothing to train: the shared parameters are frozen (SharedLearningRateFactor = 0) and TrainableTasks selects no task parameters.");
                }

                optimizer = CreateOptimizer();
                learningRateScheduler = options.Schedule switch
                {
                    LearningRateSchedule.Step => optim.lr_scheduler.StepLR(optimizer, options.StepSize, options.StepGamma),
                    LearningRateSchedule.Cosine => optim.lr_scheduler.CosineAnnealingLR(optimizer, options.Epochs, options.MinimumLearningRate),
                    _ => null,
                };
                fused = FusedDenseEngine.TryCreate(options, network, trainData, tasks, weighting, random);
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        public MultitaskModel Execute(IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
        {
            var clock = Stopwatch.StartNew();
            var early = options.EarlyStopping;
            var monitor = early?.Monitor ?? MonitoredMetric.ValidationLoss;
            double? best = null;
            var bestEpoch = 0;
            var sinceBest = 0;
            var stoppedEarly = false;
            long steps = 0;
            using var scheduler = new BatchScheduler(trainData, options, random);
            var guard = options.Threads is not null || network.Device.type != TorchSharp.DeviceType.CPU ? null
                : fused is not null ? fused.CreateContentionGuard()
                : get_num_threads() > 1 ? ContentionGuard.ForLibtorch() : null;
            var stepsPerEpoch = scheduler.StepsPerEpoch;
            var sampling = scheduler.TaskNames.Select((name, i) => (name, p: scheduler.Probabilities[i])).ToDictionary(x => x.name, x => x.p, StringComparer.Ordinal);
            network.train();
            try
            {
                for (var epoch = 1; epoch <= options.Epochs; epoch++)
                {
                    var learningRate = CurrentLearningRate();
                    var lossSums = new double[tasks.Count];
                    var countSums = new double[tasks.Count];
                    double totalSum = 0;
                    for (var step = 0; step < stepsPerEpoch; step++)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        guard?.StepStarted();
                        var (taskLosses, taskCounts, total) = fused is null
                            ? Step(scheduler, step, epoch)
                            : fused.Step(scheduler.NextRows()[0], learningRate, learningRate * options.SharedLearningRateFactor, epoch, step);
                        guard?.StepFinished();
                        steps++;
                        totalSum += total;
                        for (var t = 0; t < tasks.Count; t++)
                        {
                            lossSums[t] += taskLosses[t] * taskCounts[t];
                            countSums[t] += taskCounts[t];
                        }
                    }

                    learningRateScheduler?.step();
                    fused?.StoreToNetwork();
                    var report = EndOfEpoch(epoch, steps, totalSum / stepsPerEpoch, lossSums, countSums, learningRate, clock.Elapsed, monitor)
                        with { Sampling = options.TaskSampling, SamplingProbabilities = sampling };
                    var improved = report.MonitoredValue is { } value && !double.IsNaN(value) && (best is null ||
                        (monitor.HigherIsBetter ? value > best + (early?.MinDelta ?? 0) : value < best - (early?.MinDelta ?? 0)));
                    if (improved)
                    {
                        best = report.MonitoredValue;
                        bestEpoch = epoch;
                        sinceBest = 0;
                        if (early?.RestoreBest == true)
                        {
                            SaveBestState();
                        }

                        SaveCheckpoint("best.mtl");
                    }
                    else
                    {
                        sinceBest++;
                    }

                    report = report with { IsBest = improved };
                    history.Add(report);
                    if (options.Checkpoints is { EveryEpochs: > 0 } checkpoints && epoch % checkpoints.EveryEpochs == 0)
                    {
                        SaveCheckpoint($"epoch-{epoch:D4}.mtl");
                    }

                    progress?.Report(report);
                    if (early is not null && sinceBest >= early.Patience)
                    {
                        stoppedEarly = true;
                        break;
                    }
                }
            }
            finally
            {
                network.eval();
            }

            if (bestState is not null)
            {
                RestoreBestState();
            }

            foreach (var p in network.parameters())
            {
                p.requires_grad = true;
            }

            if (bestEpoch == 0)
            {
                bestEpoch = history.Count;
            }

            SaveCheckpoint("last.mtl");
            return new MultitaskModel(network, featureStatistics, targetStatistics, new TrainingHistory(history, bestEpoch, stoppedEarly, Relationships()));
        }

        public void Dispose()
        {
            fused?.Dispose();
            trainData?.Dispose();
            validationData?.Dispose();
            weighting?.Dispose();
            optimizer?.Dispose();
            if (globalTaskIndices is not null)
            {
                foreach (var index in globalTaskIndices)
                {
                    index.Dispose();
                }
            }

            DisposeBestState();
        }

        private (float[] Losses, float[] Counts, double Total) Step(BatchScheduler scheduler, int step, int epoch)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            Tensor losses, counts;
            var batches = scheduler.Next();
            var representations = options.GradientAggregator is not null && options.AggregationSpace == AggregationSpace.SharedRepresentation ? new List<Tensor>() : null;
            if (batches.Count == 1 && trainData.Inputs[batches[0].Input].Layout.Tasks.Count == tasks.Count)
            {
                (losses, counts) = InputLosses(batches[0].Input, batches[0].Rows, representations);
            }
            else
            {
                losses = zeros(tasks.Count, device: network.Device);
                counts = zeros(tasks.Count, device: network.Device);
                foreach (var (k, rows) in batches)
                {
                    var (l, c) = InputLosses(k, rows, representations);
                    losses = losses.index_add(0, globalTaskIndices[k], l, 1);
                    counts = counts.index_add(0, globalTaskIndices[k], c, 1);
                }
            }

            var present = counts.gt(0).to(ScalarType.Float32);
            var weighted = weighting.Combine(losses, present);
            var hostLosses = losses.detach().cpu().data<float>().ToArray();
            var hostCounts = counts.cpu().data<float>().ToArray();
            for (var t = 0; t < tasks.Count; t++)
            {
                if (hostCounts[t] > 0 && !float.IsFinite(hostLosses[t]))
                {
                    throw new TrainingDivergedException(tasks[t].Name, epoch, step + 1, hostLosses[t]);
                }
            }

            var total = weighted.Total.detach().cpu().item<float>();
            if (!float.IsFinite(total))
            {
                var culprit = tasks.Where((_, t) => hostCounts[t] > 0).Select(t => t.Name).FirstOrDefault() ?? tasks[0].Name;
                throw new TrainingDivergedException(culprit, epoch, step + 1, total);
            }

            if (representations is not null && sharedParameters.Length > 0)
            {
                RepresentationBackward(options.GradientAggregator!, losses, weighted, hostLosses, hostCounts, representations);
            }
            else if ((options.GradientAggregator is not null || options.RecordTaskRelationships || options.RecordTaskAffinity) && sharedParameters.Length > 0)
            {
                PerTaskBackward(options.GradientAggregator, losses, weighted, hostLosses, hostCounts, batches);
            }
            else
            {
                weighted.Total.backward();
            }

            if (options.GradientClipNorm is { } clip)
            {
                nn.utils.clip_grad_norm_(sharedParameters.Concat(otherParameters), clip);
            }

            optimizer.step();
            return (hostLosses, hostCounts, total);
        }

        private (Tensor Losses, Tensor Counts) InputLosses(int k, Tensor rows, List<Tensor>? representations = null)
        {
            var input = trainData.Inputs[k];
            var features = input.Features.index_select(0, rows);
            Tensor output;
            if (representations is null)
            {
                output = network.Forward(input.InputName, features);
            }
            else
            {
                (var representation, output) = network.ForwardWithRepresentation(input.InputName, features);
                representations.Add(representation);
            }

            return input.LossComputer.Compute(output, input.Targets.index_select(0, rows), input.Present.index_select(0, rows));
        }

        /// <summary>Representation mode (MGDA-UB): per-task gradients with respect to the shared representation (cheap:
        /// they only pass through the heads), the aggregator's task weights from them, then one backward pass of
        /// Σ_t w_t α_t L_t through the shared layers; the task-specific parameters keep their own task's gradient.</summary>
        private void RepresentationBackward(Aggregation.GradientAggregator aggregator, Tensor losses, WeightedLoss weighted, float[] hostLosses, float[] hostCounts, List<Tensor> representations)
        {
            var presentTasks = Enumerable.Range(0, tasks.Count).Where(t => hostCounts[t] > 0).ToArray();
            var rows = new List<Tensor>(presentTasks.Length);
            var taskLosses = presentTasks.Select(t => losses[t] * weighted.TaskWeights[t]).ToArray();
            foreach (var taskLoss in taskLosses)
            {
                var gradients = autograd.grad([taskLoss], representations, retain_graph: true, allow_unused: true);
                rows.Add(cat(gradients.Select((g, i) => (g is null || g.IsInvalid ? zeros_like(representations[i]) : g).reshape(-1)).ToArray(), 0));
            }

            var context = new Aggregation.AggregationContext(random, presentTasks.Select(t => (double)hostLosses[t]).ToArray(), presentTasks.Select(t => tasks[t].Name).ToArray());
            var result = aggregator.Aggregate(stack(rows, 0), context);
            if (result.TaskWeights is null)
            {
                throw new InvalidOperationException($"Aggregator '{aggregator.Name}' claims to support representation gradients but returned no task weights.");
            }

            if (otherParameters.Length > 0)
            {
                autograd.backward([weighted.Total], inputs: otherParameters, retain_graph: true);
            }

            // Σ_t w_t ∇_Z L_t is the aggregator's combined gradient; it enters the shared layers at the representation,
            // so the heads are not traversed again.
            var gradientsAtRepresentation = new Tensor[representations.Count];
            long offset = 0;
            for (var i = 0; i < representations.Count; i++)
            {
                gradientsAtRepresentation[i] = result.Gradient.narrow(0, offset, representations[i].numel()).view_as(representations[i]);
                offset += representations[i].numel();
            }

            autograd.backward(representations, gradientsAtRepresentation, inputs: sharedParameters);
        }

        /// <summary>One backward pass per present task for the shared parameters (recorded for task relationships and
        /// combined by the aggregator, or summed), and one for the task-specific and weighting parameters.</summary>
        private void PerTaskBackward(Aggregation.GradientAggregator? aggregator, Tensor losses, WeightedLoss weighted, float[] hostLosses, float[] hostCounts, IReadOnlyList<(int Input, Tensor Rows)> batches)
        {
            var presentTasks = Enumerable.Range(0, tasks.Count).Where(t => hostCounts[t] > 0).ToArray();
            var rows = new List<Tensor>(presentTasks.Length);
            foreach (var t in presentTasks)
            {
                var taskLoss = losses[t] * weighted.TaskWeights[t];
                var gradients = autograd.grad([taskLoss], sharedParameters, retain_graph: true, allow_unused: true);
                rows.Add(cat(gradients.Select((g, i) => (g is null || g.IsInvalid ? zeros_like(sharedParameters[i]) : g).reshape(-1)).ToArray(), 0));
            }

            var matrix = stack(rows, 0);
            if (options.RecordTaskRelationships || options.RecordTaskAffinity)
            {
                RecordRelationships(matrix, presentTasks);
            }

            if (options.RecordTaskAffinity)
            {
                RecordAffinity(rows, presentTasks, hostLosses, batches);
            }

            var combined = aggregator is null
                ? matrix.sum(0L)
                : aggregator.Aggregate(matrix, new Aggregation.AggregationContext(random, presentTasks.Select(t => (double)hostLosses[t]).ToArray(), presentTasks.Select(t => tasks[t].Name).ToArray())).Gradient;
            if (otherParameters.Length > 0)
            {
                autograd.backward([weighted.Total], inputs: otherParameters);
            }

            using var noGrad = no_grad();
            long offset = 0;
            foreach (var p in sharedParameters)
            {
                var slice = combined.narrow(0, offset, p.numel()).view_as(p);
                offset += p.numel();
                if (p.grad is { } existing)
                {
                    existing.copy_(slice);
                }
                else
                {
                    p.grad = slice.clone(); // libtorch keeps its own reference; the wrapper leaves with the step's scope
                }
            }
        }

        private void RecordRelationships(Tensor matrix, int[] presentTasks)
        {
            var gram = Aggregation.GramAggregator.Gram(matrix);
            var k = presentTasks.Length;
            for (var a = 0; a < k; a++)
            {
                for (var b = 0; b < k; b++)
                {
                    var norm = Math.Sqrt(gram[a, a] * gram[b, b]);
                    var cosine = norm > 0 ? gram[a, b] / norm : 0;
                    int i = presentTasks[a], j = presentTasks[b];
                    cosineSums[i, j] += cosine;
                    conflictCounts[i, j] += cosine < 0 ? 1 : 0;
                    pairSteps[i, j]++;
                }
            }
        }

        /// <summary>For each present task i: θ_shared −= η g_i, the batch's task losses without gradients, then θ restored.</summary>
        private void RecordAffinity(List<Tensor> rows, int[] presentTasks, float[] lossesBefore, IReadOnlyList<(int Input, Tensor Rows)> batches)
        {
            var step = CurrentLearningRate() * options.SharedLearningRateFactor;
            using var noGrad = no_grad();
            var saved = sharedParameters.Select(p => p.clone()).ToArray();
            for (var a = 0; a < presentTasks.Length; a++)
            {
                Shift(rows[a], -step);
                var after = new float[tasks.Count];
                foreach (var (k, batchRows) in batches)
                {
                    var (l, _) = InputLosses(k, batchRows);
                    var values = l.cpu().data<float>().ToArray();
                    var layout = trainData.Inputs[k].Layout;
                    for (var t = 0; t < layout.Tasks.Count; t++)
                    {
                        after[IndexOfTask(layout.Tasks[t].Name)] = values[t];
                    }
                }

                for (var p = 0; p < sharedParameters.Length; p++)
                {
                    sharedParameters[p].copy_(saved[p]); // exact restore, not θ − ηg + ηg
                }

                var i = presentTasks[a];
                foreach (var j in presentTasks)
                {
                    if (lossesBefore[j] > 0)
                    {
                        affinitySums[i, j] += 1 - (after[j] / lossesBefore[j]);
                        affinitySteps[i, j]++;
                    }
                }
            }
        }

        private void Shift(Tensor flatGradient, double scale)
        {
            long offset = 0;
            foreach (var p in sharedParameters)
            {
                p.add_(flatGradient.narrow(0, offset, p.numel()).view_as(p), alpha: scale);
                offset += p.numel();
            }
        }

        private TaskRelationships? Relationships()
        {
            if (!options.RecordTaskRelationships && !options.RecordTaskAffinity)
            {
                return null;
            }

            var count = tasks.Count;
            var mean = new double[count, count];
            var conflict = new double[count, count];
            for (var i = 0; i < count; i++)
            {
                for (var j = 0; j < count; j++)
                {
                    mean[i, j] = pairSteps[i, j] == 0 ? double.NaN : cosineSums[i, j] / pairSteps[i, j];
                    conflict[i, j] = pairSteps[i, j] == 0 ? double.NaN : (double)conflictCounts[i, j] / pairSteps[i, j];
                }
            }

            double[,]? affinity = null;
            if (options.RecordTaskAffinity)
            {
                affinity = new double[count, count];
                for (var i = 0; i < count; i++)
                {
                    for (var j = 0; j < count; j++)
                    {
                        affinity[i, j] = affinitySteps[i, j] == 0 ? double.NaN : affinitySums[i, j] / affinitySteps[i, j];
                    }
                }
            }

            return new TaskRelationships(tasks.Select(t => t.Name).ToArray(), mean, conflict, (long[,])pairSteps.Clone(), affinity);
        }

        private TrainingProgress EndOfEpoch(int epoch, long steps, double trainingLoss, double[] lossSums, double[] countSums, double learningRate, TimeSpan elapsed, MonitoredMetric monitor)
        {
            weighting.EndEpoch(lossSums.Select((sum, t) => countSums[t] == 0 ? double.NaN : sum / countSums[t]).ToArray());
            var weights = weighting.CurrentWeights();
            var report = new TrainingProgress
            {
                Epoch = epoch,
                Epochs = options.Epochs,
                Steps = steps,
                TrainingLoss = trainingLoss,
                TaskTrainingLosses = tasks.Select((t, i) => (t.Name, Value: countSums[i] == 0 ? double.NaN : lossSums[i] / countSums[i]))
                    .ToDictionary(x => x.Name, x => x.Value, StringComparer.Ordinal),
                TaskWeights = tasks.Select((t, i) => (t.Name, Value: weights[i])).ToDictionary(x => x.Name, x => x.Value, StringComparer.Ordinal),
                LearningRate = learningRate,
                Elapsed = elapsed,
            };
            if (validationData is null)
            {
                return report;
            }

            var (outputs, losses) = validationData.Run(network, targetStatistics, options.EvaluationBatchSize);
            var metrics = outputs.ToDictionary(kv => kv.Key, kv => Evaluation.MetricCalculator.Compute(kv.Value), StringComparer.Ordinal);
            var validationLoss = tasks.Where(t => losses.TryGetValue(t.Name, out var l) && !double.IsNaN(l)).Sum(t => t.Weight * losses[t.Name]);
            double monitored;
            if (monitor.Metric is not { } metric)
            {
                monitored = validationLoss;
            }
            else if (monitor.TaskName is { } taskName)
            {
                if (!metrics.TryGetValue(taskName, out var taskMetrics) || !taskMetrics.TryGetValue(metric, out monitored))
                {
                    throw new ArgumentException($"Early stopping monitors {monitor}, but task '{taskName}' has no validation labels or does not report {metric.ToName()}.");
                }
            }
            else
            {
                var values = metrics.Values.Where(m => m.ContainsKey(metric)).Select(m => m[metric]).Where(v => !double.IsNaN(v)).ToArray();
                if (values.Length == 0)
                {
                    throw new ArgumentException($"Early stopping monitors {monitor}, but no task with validation labels reports {metric.ToName()}.");
                }

                monitored = values.Average();
            }

            return report with
            {
                ValidationLoss = validationLoss,
                ValidationMetrics = metrics.ToDictionary(kv => kv.Key, kv => (IReadOnlyDictionary<MetricKind, double>)kv.Value, StringComparer.Ordinal),
                MonitoredValue = monitored,
            };
        }

        private optim.Optimizer CreateOptimizer()
        {
            var lr = options.LearningRate;
            var sharedLr = lr * options.SharedLearningRateFactor;
            var groups = new List<(IEnumerable<Parameter> Parameters, double LearningRate)>();
            if (sharedParameters.Length > 0)
            {
                groups.Add((sharedParameters, sharedLr));
            }

            if (otherParameters.Length > 0)
            {
                groups.Add((otherParameters, lr));
            }

            return options.Optimizer switch
            {
                OptimizerKind.Adam => optim.Adam(
                    groups.Select(g => new Adam.ParamGroup(g.Parameters, g.LearningRate, 0.9, 0.999, 1e-8, options.WeightDecay, false, false)), lr, weight_decay: options.WeightDecay),
                OptimizerKind.AdamW => optim.AdamW(
                    groups.Select(g => new AdamW.ParamGroup(g.Parameters, g.LearningRate, 0.9, 0.999, 1e-8, options.WeightDecay, false, false)), lr, weight_decay: options.WeightDecay),
                _ => optim.SGD(
                    groups.Select(g => new SGD.ParamGroup(g.Parameters, g.LearningRate, options.Momentum, 0, options.WeightDecay, options.Nesterov, false)),
                    lr,
                    options.Momentum,
                    0,
                    options.WeightDecay,
                    options.Nesterov),
            };
        }

        private double CurrentLearningRate() => options.Schedule switch
        {
            LearningRateSchedule.Step => options.LearningRate * Math.Pow(options.StepGamma, history.Count / options.StepSize),
            LearningRateSchedule.Cosine => options.MinimumLearningRate + ((options.LearningRate - options.MinimumLearningRate) * (1 + Math.Cos(Math.PI * history.Count / options.Epochs)) / 2),
            _ => options.LearningRate,
        };

        private int IndexOfTask(string name)
        {
            for (var i = 0; i < tasks.Count; i++)
            {
                if (tasks[i].Name == name)
                {
                    return i;
                }
            }

            throw new KeyNotFoundException(name);
        }

        private void SaveBestState()
        {
            DisposeBestState();
            using var noGrad = no_grad();
            bestState = network.named_parameters().ToDictionary(p => p.name, p => p.parameter.clone(), StringComparer.Ordinal);
        }

        private void RestoreBestState()
        {
            using var noGrad = no_grad();
            foreach (var (name, parameter) in network.named_parameters())
            {
                parameter.copy_(bestState![name]);
            }
        }

        private void DisposeBestState()
        {
            if (bestState is null)
            {
                return;
            }

            foreach (var t in bestState.Values)
            {
                t.Dispose();
            }

            bestState = null;
        }

        private void SaveCheckpoint(string fileName)
        {
            if (options.Checkpoints is not { } checkpoints)
            {
                return;
            }

            Directory.CreateDirectory(checkpoints.Directory);
            ModelSerializer.Save(network, featureStatistics, targetStatistics, Path.Combine(checkpoints.Directory, fileName));
        }
    }
}
