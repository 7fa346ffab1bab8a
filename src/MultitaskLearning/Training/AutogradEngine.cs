using MultitaskLearning.Models;
using MultitaskLearning.Tasks;
using MultitaskLearning.Training.Aggregation;
using MultitaskLearning.Training.Weighting;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MultitaskLearning.Training;

/// <summary>
/// The general engine (<see cref="TrainingEngine.Autograd"/>): the network's forward pass, the per-task losses, the
/// loss weighting, backward passes through TorchSharp autograd (one in all, one per task when an aggregator or the
/// relationship recorder needs the task gradients, or the representation mode of MGDA-UB), clipping and a TorchSharp
/// optimiser step. It trains every model and option and is the reference the fused engine is tested against.
/// </summary>
internal sealed class AutogradEngine : ITrainingEngine
{
    private readonly TrainerOptions options;
    private readonly MultitaskNetwork network;
    private readonly PreparedData trainData;
    private readonly IReadOnlyList<TaskDefinition> tasks;
    private readonly LossWeightingState weighting;
    private readonly TrainableParameters trainable;
    private readonly Parameter[] sharedParameters;
    private readonly Parameter[] otherParameters;
    private readonly Random random;
    private readonly TaskRelationshipRecorder? recorder;
    private readonly int[][] hostTaskIndices;
    private readonly Tensor[] globalTaskIndices;
    private readonly optim.Optimizer optimizer;
    private StepLearningRates? appliedRates;

    public AutogradEngine(
        TrainerOptions options,
        MultitaskNetwork network,
        PreparedData trainData,
        IReadOnlyList<TaskDefinition> tasks,
        LossWeightingState weighting,
        TrainableParameters trainable,
        Random random,
        TaskRelationshipRecorder? recorder)
    {
        this.options = options;
        this.network = network;
        this.trainData = trainData;
        this.tasks = tasks;
        this.weighting = weighting;
        this.trainable = trainable;
        this.random = random;
        this.recorder = recorder;
        sharedParameters = trainable.SharedTensors;
        otherParameters = trainable.TaskSpecificTensors;
        var names = tasks.Select(t => t.Name).ToList();
        hostTaskIndices = trainData.Inputs.Select(i => i.Layout.Tasks.Select(t => names.IndexOf(t.Name)).ToArray()).ToArray();
        globalTaskIndices = hostTaskIndices
            .Select(indices => tensor(indices.Select(i => (long)i).ToArray(), device: network.Device))
            .ToArray();
        optimizer = CreateOptimizer();
    }

    public TrainingEngine Kind => TrainingEngine.Autograd;

    public StepOutcome Step(IBatchSource scheduler, StepLearningRates learningRates)
    {
        using var scope = NewDisposeScope();
        SetLearningRates(learningRates);
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
        var total = weighted.Total.detach().cpu().item<float>();
        if (!float.IsFinite(total) || hostLosses.Where((_, t) => hostCounts[t] > 0).Any(l => !float.IsFinite(l)))
        {
            return new StepOutcome(hostLosses, hostCounts, total); // the loop reports the divergence; no update
        }

        if (representations is not null && sharedParameters.Length > 0)
        {
            RepresentationBackward(options.GradientAggregator!, losses, weighted, hostLosses, hostCounts, representations);
        }
        else if ((options.GradientAggregator is not null || recorder is not null) && sharedParameters.Length > 0)
        {
            PerTaskBackward(options.GradientAggregator, losses, weighted, hostLosses, hostCounts, batches, learningRates);
        }
        else
        {
            weighted.Total.backward();
        }

        Clip();
        optimizer.step();
        return new StepOutcome(hostLosses, hostCounts, total);
    }

    public void StoreToNetwork()
    {
    }

    public void LoadFromNetwork()
    {
    }

    public OptimizerSnapshot ExportOptimizerState()
    {
        var states = optimizer switch
        {
            OptimizerHelper helper => helper.state_dict().State,
            _ => throw new InvalidOperationException($"Optimizer {optimizer.GetType().Name} has no readable state."),
        };
        var named = trainable.All.ToArray();
        if (states.Count != named.Length)
        {
            throw new InvalidOperationException($"The optimiser holds state for {states.Count} parameters, but {named.Length} are trained.");
        }

        var result = new Dictionary<string, ParameterOptimizerState>(StringComparer.Ordinal);
        for (var i = 0; i < named.Length; i++)
        {
            var buffers = new Dictionary<string, float[]>(StringComparer.Ordinal);
            long steps;
            switch (states[i])
            {
                case SGD.State sgd:
                    steps = sgd.momentum_buffer is null ? 0 : 1;
                    if (sgd.momentum_buffer is { } momentum)
                    {
                        buffers["momentum"] = Runtime.TensorMemory.CopyToArray(momentum);
                    }

                    break;
                case Adam.State adam:
                    steps = adam.step;
                    AddAdamBuffers(buffers, adam.step, adam.exp_avg, adam.exp_avg_sq);
                    break;
                case AdamW.State adamW:
                    steps = adamW.step;
                    AddAdamBuffers(buffers, adamW.step, adamW.exp_avg, adamW.exp_avg_sq);
                    break;
                default:
                    throw new InvalidOperationException($"Optimizer state {states[i].GetType().Name} is not supported.");
            }

            result[named[i].Name] = new ParameterOptimizerState(steps, buffers, named[i].Parameter.grad is not null);
        }

        return new OptimizerSnapshot(options.Optimizer, result);
    }

    public void ImportOptimizerState(OptimizerSnapshot snapshot)
    {
        OptimizerSnapshots.CheckMatches(snapshot, options.Optimizer, options.Momentum, trainable);
        var states = ((OptimizerHelper)optimizer).state_dict().State;
        var named = trainable.All.ToArray();
        using var noGrad = no_grad();
        for (var i = 0; i < named.Length; i++)
        {
            var (name, parameter) = named[i];
            var saved = snapshot.Parameters[name];
            if (saved.HasGradient && parameter.grad is null)
            {
                parameter.grad = zeros_like(parameter); // as after zero_grad in the interrupted run
            }

            using var scope = NewDisposeScope();
            Tensor Buffer(string key) => tensor(saved.Buffers[key], parameter.shape, device: parameter.device);
            switch (states[i])
            {
                case SGD.State sgd:
                    sgd.momentum_buffer?.Dispose();
                    sgd.momentum_buffer = saved.Buffers.ContainsKey("momentum") ? Buffer("momentum").DetachFromDisposeScope() : null;
                    break;
                case Adam.State adam:
                    adam.step = saved.Steps;
                    RestoreAdamBuffers(saved, adam.exp_avg, adam.exp_avg_sq, Buffer);
                    break;
                case AdamW.State adamW:
                    adamW.step = saved.Steps;
                    RestoreAdamBuffers(saved, adamW.exp_avg, adamW.exp_avg_sq, Buffer);
                    break;
                default:
                    throw new InvalidOperationException($"Optimizer state {states[i].GetType().Name} is not supported.");
            }
        }
    }

    public ContentionGuard? CreateContentionGuard(Action<int> switched) =>
        get_num_threads() > 1 ? ContentionGuard.ForLibtorch(switched) : null;

    public void Dispose()
    {
        optimizer.Dispose();
        foreach (var index in globalTaskIndices)
        {
            index.Dispose();
        }
    }


    private static void AddAdamBuffers(Dictionary<string, float[]> buffers, long step, Tensor average, Tensor squares)
    {
        if (step > 0)
        {
            buffers["exp_avg"] = Runtime.TensorMemory.CopyToArray(average);
            buffers["exp_avg_sq"] = Runtime.TensorMemory.CopyToArray(squares);
        }
    }

    private static void RestoreAdamBuffers(ParameterOptimizerState saved, Tensor average, Tensor squares, Func<string, Tensor> buffer)
    {
        if (saved.Steps == 0)
        {
            average.zero_();
            squares.zero_();
            return;
        }

        average.copy_(buffer("exp_avg"));
        squares.copy_(buffer("exp_avg_sq"));
    }

    private void SetLearningRates(StepLearningRates rates)
    {
        if (appliedRates == rates)
        {
            return; // the schedule changes the rate once per epoch at most
        }

        appliedRates = rates;
        var groups = optimizer.ParamGroups.ToArray();
        var index = 0;
        if (sharedParameters.Length > 0)
        {
            groups[index++].LearningRate = rates.Shared;
        }

        if (otherParameters.Length > 0)
        {
            groups[index].LearningRate = rates.TaskSpecific;
        }
    }

    private void Clip()
    {
        if (options.GradientClipNorm is not { } limit)
        {
            return;
        }

        using var noGrad = no_grad();
        var gradients = sharedParameters.Concat(otherParameters).Select(p => p.grad).Where(g => g is not null && !g.IsInvalid).Select(g => g!).ToArray();
        if (gradients.Length == 0)
        {
            return;
        }

        var norm = stack(gradients.Select(g => g.norm()).ToArray()).norm().item<float>();
        var factor = GradientClipping.Factor(norm, limit);
        if (factor < 1)
        {
            foreach (var g in gradients)
            {
                g.mul_(factor);
            }
        }
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
    private void RepresentationBackward(GradientAggregator aggregator, Tensor losses, WeightedLoss weighted, float[] hostLosses, float[] hostCounts, List<Tensor> representations)
    {
        var presentTasks = Enumerable.Range(0, tasks.Count).Where(t => hostCounts[t] > 0).ToArray();
        var rows = new List<Tensor>(presentTasks.Length);
        foreach (var t in presentTasks)
        {
            var gradients = autograd.grad([losses[t] * weighted.TaskWeights[t]], representations, retain_graph: true, allow_unused: true);
            rows.Add(cat(gradients.Select((g, i) => (g is null || g.IsInvalid ? zeros_like(representations[i]) : g).reshape(-1)).ToArray(), 0));
        }

        var context = new AggregationContext(random, presentTasks.Select(t => (double)hostLosses[t]).ToArray(), presentTasks.Select(t => tasks[t].Name).ToArray());
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
    private void PerTaskBackward(GradientAggregator? aggregator, Tensor losses, WeightedLoss weighted, float[] hostLosses, float[] hostCounts, IReadOnlyList<(int Input, Tensor Rows)> batches, StepLearningRates learningRates)
    {
        var presentTasks = Enumerable.Range(0, tasks.Count).Where(t => hostCounts[t] > 0).ToArray();
        var rows = new List<Tensor>(presentTasks.Length);
        foreach (var t in presentTasks)
        {
            var gradients = autograd.grad([losses[t] * weighted.TaskWeights[t]], sharedParameters, retain_graph: true, allow_unused: true);
            rows.Add(cat(gradients.Select((g, i) => (g is null || g.IsInvalid ? zeros_like(sharedParameters[i]) : g).reshape(-1)).ToArray(), 0));
        }

        var matrix = stack(rows, 0);
        if (recorder is not null)
        {
            recorder.RecordCosines(matrix, presentTasks);
            if (options.RecordTaskAffinity)
            {
                recorder.RecordAffinity(rows, presentTasks, hostLosses, learningRates.Shared, sharedParameters, () => BatchLosses(batches));
            }
        }

        var combined = aggregator is null
            ? matrix.sum(0L)
            : aggregator.Aggregate(matrix, new AggregationContext(random, presentTasks.Select(t => (double)hostLosses[t]).ToArray(), presentTasks.Select(t => tasks[t].Name).ToArray())).Gradient;
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

    /// <summary>Every task's loss on the step's batches at the current parameters, without gradients.</summary>
    private float[] BatchLosses(IReadOnlyList<(int Input, Tensor Rows)> batches)
    {
        var after = new float[tasks.Count];
        foreach (var (k, batchRows) in batches)
        {
            var (l, _) = InputLosses(k, batchRows);
            var values = l.cpu().data<float>().ToArray();
            for (var t = 0; t < values.Length; t++)
            {
                after[hostTaskIndices[k][t]] = values[t];
            }
        }

        return after;
    }

    private optim.Optimizer CreateOptimizer()
    {
        var lr = options.LearningRate;
        var groups = new List<(IEnumerable<Parameter> Parameters, double LearningRate)>();
        if (sharedParameters.Length > 0)
        {
            groups.Add((sharedParameters, lr * options.SharedLearningRateFactor));
        }

        if (otherParameters.Length > 0)
        {
            groups.Add((otherParameters, lr));
        }

        return options.Optimizer switch
        {
            OptimizerKind.Adam => optim.Adam(
                groups.Select(g => new Adam.ParamGroup(g.Parameters, g.LearningRate, AdamSettings.Beta1, AdamSettings.Beta2, AdamSettings.Epsilon, options.WeightDecay, false, false)), lr, weight_decay: options.WeightDecay),
            OptimizerKind.AdamW => optim.AdamW(
                groups.Select(g => new AdamW.ParamGroup(g.Parameters, g.LearningRate, AdamSettings.Beta1, AdamSettings.Beta2, AdamSettings.Epsilon, options.WeightDecay, false, false)), lr, weight_decay: options.WeightDecay),
            OptimizerKind.Sgd => optim.SGD(
                groups.Select(g => new SGD.ParamGroup(g.Parameters, g.LearningRate, options.Momentum, 0, options.WeightDecay, options.Nesterov, false)),
                lr,
                options.Momentum,
                0,
                options.WeightDecay,
                options.Nesterov),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Optimizer, "Unknown optimiser."),
        };
    }
}
