using System.Diagnostics;
using Microsoft.Extensions.Logging;
using MultitaskLearning.Evaluation;
using MultitaskLearning.Tasks;
using static TorchSharp.torch;

namespace MultitaskLearning.Training;

/// <summary>
/// The one training loop, whichever engine computes the steps: epochs and batches, the learning-rate schedule
/// (<see cref="LearningRateSchedules"/>), divergence checks, validation, early stopping, checkpoints and resumption,
/// progress reports (per epoch, and within epochs through <see cref="StepProgressReporter"/>), logging and the
/// contention guard.
/// </summary>
internal sealed class TrainingLoop
{
    private readonly TrainingRun run;
    private readonly TrainerOptions options;
    private readonly ILogger logger;
    private readonly List<TrainingProgress> history = [];
    private readonly List<ThreadSwitch> threadSwitches = [];
    private readonly MonitoredMetric monitor;
    private Dictionary<string, Tensor>? bestState;
    private double? best;
    private int bestEpoch;
    private int sinceBest;
    private long steps;
    private int completedEpochs;

    public TrainingLoop(TrainingRun run)
    {
        this.run = run;
        options = run.Options;
        logger = run.Logger;
        monitor = options.EarlyStopping?.Monitor ?? MonitoredMetric.ValidationLoss;
    }

    public TrainingResult Execute(IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        try
        {
            return Train(progress, cancellationToken);
        }
        finally
        {
            DisposeBestState(); // also when training fails or is cancelled
        }
    }

    private TrainingResult Train(IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var network = run.Network;
        var early = options.EarlyStopping;
        using var scheduler = run.CreateBatchSource();
        options.GradientAggregator?.RestoreState(new Dictionary<string, double[]>());
        string? resumedFrom = null;
        if (options.ResumeFrom is { } resume)
        {
            resumedFrom = TrainingCheckpoint.Find(resume);
            if (resumedFrom is null)
            {
                logger.LogInformation("No checkpoint in {Folder} yet; training starts at epoch 1.", Path.GetFullPath(resume));
            }
            else
            {
                Restore(resumedFrom, scheduler);
            }
        }

        if (resumedFrom is null && options.Checkpoints is { EveryEpochs: > 0 } checkpointOptions
            && TrainingCheckpoint.List(checkpointOptions.Directory) is { Count: > 0 } earlier)
        {
            throw new ArgumentException(
                $"Checkpoint folder '{Path.GetFullPath(checkpointOptions.Directory)}' already holds checkpoints of another run ({string.Join(", ", earlier.Select(Path.GetFileName))}); set TrainerOptions.ResumeFrom to that folder to continue it, or use an empty folder.");
        }

        var guard = options.Threads is not null || network.Device.type != TorchSharp.DeviceType.CPU
            ? null
            : run.Engine.CreateContentionGuard(count =>
            {
                threadSwitches.Add(new ThreadSwitch(steps, count));
                logger.LogInformation("Contention guard: {Threads} thread(s) from step {Step}.", count, steps);
            });
        var stepsPerEpoch = scheduler.StepsPerEpoch;
        var sampling = scheduler.TaskNames.Select((name, i) => (name, p: scheduler.Probabilities[i])).ToDictionary(x => x.name, x => x.p, StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        var elapsedBefore = history.Count > 0 ? history[^1].Elapsed : TimeSpan.Zero;
        var stepProgress = StepProgressReporter.Create(options, stepsPerEpoch, () => elapsedBefore + clock.Elapsed);
        var stoppedEarly = early is not null && sinceBest >= early.Patience;
        var tasks = run.Tasks;
        network.train();
        try
        {
            for (var epoch = completedEpochs + 1; epoch <= options.Epochs && !stoppedEarly; epoch++)
            {
                var rates = LearningRateSchedules.Rates(options, epoch - 1);
                var lossSums = new double[tasks.Count];
                var countSums = new double[tasks.Count];
                double totalSum = 0;
                for (var step = 0; step < stepsPerEpoch; step++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    guard?.StepStarted();
                    network.DropoutMasks.Step = steps; // the masks of this step, the same after a resume
                    var outcome = run.Engine.Step(scheduler, rates);
                    guard?.StepFinished();
                    CheckFinite(outcome, epoch, step);
                    steps++;
                    totalSum += outcome.Total;
                    for (var t = 0; t < tasks.Count; t++)
                    {
                        lossSums[t] += outcome.Losses[t] * outcome.Counts[t];
                        countSums[t] += outcome.Counts[t];
                    }

                    stepProgress?.StepFinished(epoch, step + 1, steps, totalSum);
                }

                run.Engine.StoreToNetwork();
                completedEpochs = epoch;
                var report = EndOfEpoch(epoch, totalSum / stepsPerEpoch, lossSums, countSums, rates.TaskSpecific, elapsedBefore + clock.Elapsed)
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

                    SaveModel("best.mtl");
                }
                else
                {
                    sinceBest++;
                }

                history.Add(report with { IsBest = improved });
                stoppedEarly = early is not null && sinceBest >= early.Patience;
                if (options.Checkpoints is { EveryEpochs: > 0 } checkpoints && epoch % checkpoints.EveryEpochs == 0)
                {
                    SaveCheckpoint(checkpoints, scheduler);
                }

                progress?.Report(history[^1]);
                if (stoppedEarly)
                {
                    logger.LogInformation("Early stopping after epoch {Epoch}: no improvement of {Monitor} for {Patience} epochs (best epoch {Best}).", epoch, monitor, early!.Patience, bestEpoch);
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

        DisposeBestState();
        foreach (var p in network.parameters())
        {
            p.requires_grad = true;
        }

        SaveModel("last.mtl");
        var historyRecord = new TrainingHistory(history.ToArray(), bestEpoch == 0 ? history.Count : bestEpoch, stoppedEarly, run.Recorder?.Result())
        {
            Engine = run.Engine.Kind,
            ThreadSwitches = threadSwitches.ToArray(),
            ResumedFrom = resumedFrom,
        };
        return new TrainingResult(network, run.FeatureStatistics, run.TargetStatistics, historyRecord);
    }

    private void CheckFinite(StepOutcome outcome, int epoch, int step)
    {
        for (var t = 0; t < run.Tasks.Count; t++)
        {
            if (outcome.Counts[t] > 0 && !float.IsFinite(outcome.Losses[t]))
            {
                logger.LogError("Training diverged: task {Task}, epoch {Epoch}, step {Step}, loss {Loss}.", run.Tasks[t].Name, epoch, step + 1, outcome.Losses[t]);
                throw new TrainingDivergedException(run.Tasks[t].Name, epoch, step + 1, outcome.Losses[t]);
            }
        }

        if (!double.IsFinite(outcome.Total))
        {
            var culprit = run.Tasks.Where((_, t) => outcome.Counts[t] > 0).Select(t => t.Name).FirstOrDefault() ?? run.Tasks[0].Name;
            logger.LogError("Training diverged: total loss {Loss} at epoch {Epoch}, step {Step}.", outcome.Total, epoch, step + 1);
            throw new TrainingDivergedException(culprit, epoch, step + 1, outcome.Total);
        }
    }

    private TrainingProgress EndOfEpoch(int epoch, double trainingLoss, double[] lossSums, double[] countSums, double learningRate, TimeSpan elapsed)
    {
        var tasks = run.Tasks;
        run.Weighting.EndEpoch(lossSums.Select((sum, t) => countSums[t] == 0 ? double.NaN : sum / countSums[t]).ToArray());
        var weights = run.Weighting.CurrentWeights();
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
        if (run.ValidationData is not { } validation)
        {
            return report;
        }

        var (outputs, losses) = validation.Run(run.Network, run.TargetStatistics, options.EvaluationBatchSize);
        var metrics = outputs.ToDictionary(kv => kv.Key, kv => MetricCalculator.Compute(kv.Value), StringComparer.Ordinal);
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

    private void SaveBestState()
    {
        DisposeBestState();
        using var noGrad = no_grad();
        bestState = run.Network.named_parameters().ToDictionary(p => p.name, p => p.parameter.clone().DetachFromDisposeScope(), StringComparer.Ordinal);
    }

    private void RestoreBestState()
    {
        using var noGrad = no_grad();
        foreach (var (name, parameter) in run.Network.named_parameters())
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

    private void SaveModel(string fileName)
    {
        if (options.Checkpoints is not { } checkpoints)
        {
            return;
        }

        Directory.CreateDirectory(checkpoints.Directory);
        Persistence.ModelSerializer.Save(run.Network, run.FeatureStatistics, run.TargetStatistics, Path.Combine(checkpoints.Directory, fileName));
    }

    private void SaveCheckpoint(CheckpointOptions checkpoints, IBatchSource scheduler)
    {
        Directory.CreateDirectory(checkpoints.Directory);
        var path = Path.Combine(checkpoints.Directory, TrainingCheckpoint.FileName(completedEpochs));
        using var torchRandom = get_rng_state();
        var snapshot = new TrainingSnapshot
        {
            FormatVersion = TrainingSnapshot.CurrentFormatVersion,
            CompletedEpochs = completedEpochs,
            Steps = steps,
            Engine = run.Engine.Kind,
            Options = run.Fingerprint,
            Random = run.Random.SaveState(),
            TorchRandom = Convert.ToBase64String(torchRandom.data<byte>().ToArray()),
            Scheduler = scheduler.SaveState(),
            Weighting = run.Weighting.SaveState(),
            WeightingParameters = run.Weighting.Parameters.Select((p, i) => ($"weighting/{i}", Runtime.TensorMemory.CopyToArray(p))).ToDictionary(x => x.Item1, x => x.Item2, StringComparer.Ordinal),
            Aggregator = options.GradientAggregator?.SaveState() ?? new Dictionary<string, double[]>(),
            Relationships = run.Recorder?.SaveState(),
            Best = best,
            BestEpoch = bestEpoch,
            SinceBest = sinceBest,
            HasBestParameters = bestState is not null,
            History = history.ToArray(),
            ThreadSwitches = threadSwitches.ToArray(),
        };
        var bestParameters = bestState?.ToDictionary(kv => kv.Key, kv => Runtime.TensorMemory.CopyToArray(kv.Value), StringComparer.Ordinal);
        TrainingCheckpoint.Write(path, run.Network, run.FeatureStatistics, run.TargetStatistics, snapshot, run.Engine.ExportOptimizerState(), bestParameters);
        var (removed, failed) = TrainingCheckpoint.Prune(checkpoints.Directory, checkpoints.Keep);
        logger.LogInformation("Checkpoint written: {Path} (epoch {Epoch}, step {Step}); {Removed} older removed.", path, completedEpochs, steps, removed.Count);
        foreach (var failure in failed)
        {
            logger.LogWarning("Could not remove an old checkpoint: {Failure}.", failure);
        }
    }

    private void Restore(string path, IBatchSource scheduler)
    {
        var (model, snapshot, optimizer, bestParameters) = TrainingCheckpoint.Read(path);
        using (model.Network)
        {
            var differences = TrainingOptionsFingerprint.Differences(snapshot.Options, run.Fingerprint);
            if (differences.Count > 0)
            {
                throw new ArgumentException($"Checkpoint '{path}' was written by a run with other options; resume with the same options. Differences: {string.Join("; ", differences)}.");
            }

            var expected = run.Network.named_parameters().Select(p => (p.name, Shape: string.Join('x', p.parameter.shape))).ToArray();
            var saved = model.Network.named_parameters().Select(p => (p.name, Shape: string.Join('x', p.parameter.shape))).ToArray();
            if (!expected.SequenceEqual(saved))
            {
                throw new ArgumentException($"Checkpoint '{path}' holds another network (parameters {string.Join(", ", saved.Select(p => $"{p.name} {p.Shape}"))}) than this run's definition.");
            }

            if (Persistence.ModelSerializer.DefinitionJson(model.Network.Definition) != Persistence.ModelSerializer.DefinitionJson(run.Network.Definition))
            {
                throw new ArgumentException($"Checkpoint '{path}' was written for another model definition (tasks, inputs, family or architecture differ); resume with the definition of the original run.");
            }

            CheckStatistics(path, model.FeatureStatistics, run.FeatureStatistics, s => (s.Mean, s.Scale, s.Fill), "feature statistics of input");
            CheckStatistics(path, model.TargetStatistics, run.TargetStatistics, s => (s.Mean, s.Scale, (IReadOnlyList<float>)[]), "target statistics of task");
            run.Network.CopyMatchingParametersFrom(model.Network);
        }

        using (NewDisposeScope())
        using (no_grad())
        {
            foreach (var (i, parameter) in run.Weighting.Parameters.Select((p, i) => (i, p)))
            {
                var values = snapshot.WeightingParameters.TryGetValue($"weighting/{i}", out var v) && v.LongLength == parameter.numel()
                    ? v
                    : throw new InvalidDataException($"Checkpoint '{path}' has no values for learnable weighting parameter {i} of {parameter.numel()} elements.");
                parameter.copy_(tensor(values, parameter.shape, device: parameter.device));
            }
        }

        run.Engine.LoadFromNetwork();
        run.Engine.ImportOptimizerState(optimizer);
        run.Random.RestoreState(snapshot.Random);
        using (var torchRandom = tensor(Convert.FromBase64String(snapshot.TorchRandom)))
        {
            set_rng_state(torchRandom);
        }

        scheduler.RestoreState(snapshot.Scheduler);
        run.Weighting.RestoreState(snapshot.Weighting);
        options.GradientAggregator?.RestoreState(snapshot.Aggregator);
        if (run.Recorder is { } recorder)
        {
            recorder.RestoreState(snapshot.Relationships ?? throw new InvalidDataException($"Checkpoint '{path}' has no task-relationship sums, but this run records them."));
        }

        best = snapshot.Best;
        bestEpoch = snapshot.BestEpoch;
        sinceBest = snapshot.SinceBest;
        steps = snapshot.Steps;
        completedEpochs = snapshot.CompletedEpochs;
        history.AddRange(snapshot.History);
        threadSwitches.AddRange(snapshot.ThreadSwitches);
        if (bestParameters is not null)
        {
            var parameters = run.Network.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
            if (!parameters.Keys.Order(StringComparer.Ordinal).SequenceEqual(bestParameters.Keys.Order(StringComparer.Ordinal))
                || bestParameters.Any(kv => kv.Value.LongLength != parameters[kv.Key].numel()))
            {
                throw new InvalidDataException($"Checkpoint '{path}': the best epoch's parameters do not match the network's parameters.");
            }

            bestState = bestParameters.ToDictionary(
                kv => kv.Key,
                kv => tensor(kv.Value, parameters[kv.Key].shape, device: run.Network.Device).DetachFromDisposeScope(),
                StringComparer.Ordinal);
        }

        logger.LogInformation("Resumed from {Path}: epoch {Epoch} done, step {Step}, engine {Engine} (now {Current}).", path, completedEpochs, steps, snapshot.Engine, run.Engine.Kind);
    }

    /// <summary>Throws unless the statistics the checkpoint was trained with equal those computed from this run's data
    /// (a changed training set would otherwise continue silently).</summary>
    private static void CheckStatistics<T>(string path, IReadOnlyDictionary<string, T> saved, IReadOnlyDictionary<string, T> current, Func<T, (IReadOnlyList<float> A, IReadOnlyList<float> B, IReadOnlyList<float> C)> values, string what)
    {
        foreach (var name in saved.Keys.Union(current.Keys).Order(StringComparer.Ordinal))
        {
            var same = saved.TryGetValue(name, out var a) && current.TryGetValue(name, out var b)
                && values(a).A.SequenceEqual(values(b).A) && values(a).B.SequenceEqual(values(b).B) && values(a).C.SequenceEqual(values(b).C);
            if (!same)
            {
                throw new ArgumentException($"Checkpoint '{path}': the {what} '{name}' differ from those of this run's training data; resume with the data of the original run.");
            }
        }
    }
}
