using MultitaskLearning.Kernels;
using MultitaskLearning.Training.Weighting;

namespace MultitaskLearning.Training;

/// <summary>
/// The fused engine for a model that reads several inputs (speech and images, say): one <see cref="FusedEngine"/> path
/// per input, each with its own encoder, its copy of the shared layers (trunk or shared experts) and its tasks' layers.
/// A step runs every input's batch forward, weighs all tasks' losses together, runs every path backward, adds the
/// paths' gradients of each shared layer and gives every copy that sum, then lets each path take the optimiser's
/// update: the copies start equal (read from the same module), get the same gradient and the same update, and so stay
/// bit-identical, and the model trained is the one autograd trains with the inputs' losses summed. Gradient clipping
/// counts each shared layer once. Gram-based aggregators and task sampling are refused (<see cref="FusedEngine.Unsupported"/>).
/// </summary>
internal sealed unsafe class FusedMultiInputEngine : ITrainingEngine
{
    private readonly TrainerOptions options;
    private readonly FusedEngine[] paths;
    private readonly int taskCount;
    private readonly LossWeightingState weighting;

    /// <summary>Per shared block (a key in more than one path's <see cref="FusedEngine.Blocks"/>): the paths that hold
    /// it, its offset in each, and its length.</summary>
    private readonly (FusedEngine[] Paths, long[] Offsets, long Length)[] sharedBlocks;
    private readonly HashSet<object> sharedKeys;

    public FusedMultiInputEngine(TrainerOptions options, FusedEngine[] paths, int taskCount, LossWeightingState weighting)
    {
        this.options = options;
        this.paths = paths;
        this.taskCount = taskCount;
        this.weighting = weighting;
        var owners = paths.SelectMany(path => path.Blocks.Select(block => block.Key)).GroupBy(key => key).Where(group => group.Count() > 1).Select(group => group.Key).ToArray();
        sharedKeys = [.. owners];
        sharedBlocks = owners.Select(key =>
        {
            var holders = paths.Where(path => path.Blocks.Any(block => ReferenceEquals(block.Key, key))).ToArray();
            var blocks = holders.Select(path => path.Blocks.Single(block => ReferenceEquals(block.Key, key))).ToArray();
            if (blocks.Any(block => block.Length != blocks[0].Length))
            {
                throw new InvalidOperationException("A shared layer has different sizes in two inputs' paths.");
            }

            return (holders, blocks.Select(block => block.Offset).ToArray(), blocks[0].Length);
        }).ToArray();
    }

    /// <inheritdoc/>
    public TrainingEngine Kind => TrainingEngine.Fused;

    /// <inheritdoc/>
    public StepOutcome Step(IBatchSource scheduler, StepLearningRates learningRates)
    {
        var batches = scheduler.NextRows();
        if (batches.Count != paths.Length)
        {
            throw new InvalidOperationException($"The scheduler gave {batches.Count} batches for {paths.Length} inputs.");
        }

        var losses = new float[taskCount];
        var counts = new float[taskCount];
        double total = 0;
        for (var k = 0; k < paths.Length; k++)
        {
            // Each input's tasks are its own: the paths' losses fill disjoint entries.
            var outcome = paths[k].ForwardAndLosses(batches[k]);
            for (var t = 0; t < taskCount; t++)
            {
                losses[t] += outcome.Losses[t];
                counts[t] += outcome.Counts[t];
            }

            total += outcome.Total;
        }

        if (!paths[0].ConstantWeights)
        {
            total = FusedEngine.WeighLosses(weighting, paths, losses, counts);
        }

        var result = new StepOutcome(losses, counts, total);
        if (!paths.All(path => path.IsFinite(result)))
        {
            return result; // the loop reports the divergence; no update
        }

        foreach (var path in paths)
        {
            path.Backward(result);
        }

        foreach (var (holders, offsets, length) in sharedBlocks)
        {
            // The sum of the paths' gradients, into the first holder's copy and from there into the others'.
            var sum = holders[0].Gradients + offsets[0];
            for (var k = 1; k < holders.Length; k++)
            {
                VectorMath.Add(holders[k].Gradients + offsets[k], sum, length);
            }

            for (var k = 1; k < holders.Length; k++)
            {
                Buffer.MemoryCopy(sum, holders[k].Gradients + offsets[k], length * sizeof(float), length * sizeof(float));
            }
        }

        if (options.GradientClipNorm is not null)
        {
            // Every block once: the unshared ones of every path, each shared one from its first holder.
            var squares = paths.Sum(path => path.GradientSquares(key => !sharedKeys.Contains(key)))
                + sharedBlocks.Sum(block => VectorMath.Dot(block.Paths[0].Gradients + block.Offsets[0], block.Paths[0].Gradients + block.Offsets[0], block.Length));
            var factor = GradientClipping.Factor(Math.Sqrt(squares), options.GradientClipNorm);
            foreach (var path in paths)
            {
                path.ScaleGradients(factor);
            }
        }

        foreach (var path in paths)
        {
            path.Update(learningRates);
        }

        return result;
    }

    /// <inheritdoc/>
    public void StoreToNetwork()
    {
        foreach (var path in paths)
        {
            path.StoreToNetwork();
        }
    }

    /// <inheritdoc/>
    public void LoadFromNetwork()
    {
        foreach (var path in paths)
        {
            path.LoadFromNetwork();
        }
    }

    /// <inheritdoc/>
    public OptimizerSnapshot ExportOptimizerState()
    {
        // Each path exports the parameters it trains; the shared layers' state is the same in every path.
        var merged = new Dictionary<string, ParameterOptimizerState>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            foreach (var (name, state) in path.ExportOptimizerState().Parameters)
            {
                merged.TryAdd(name, state);
            }
        }

        return new OptimizerSnapshot(options.Optimizer, merged);
    }

    /// <inheritdoc/>
    public void ImportOptimizerState(OptimizerSnapshot snapshot)
    {
        foreach (var path in paths)
        {
            path.ImportOptimizerState(snapshot);
        }
    }

    /// <inheritdoc/>
    public ContentionGuard? CreateContentionGuard(Action<int> switched) => paths[0].Threads.Count > 1
        ? new ContentionGuard(paths[0].Threads.Count, count =>
        {
            foreach (var path in paths)
            {
                path.Threads.Active = count;
            }

            switched(count);
        })
        : null;

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var path in paths)
        {
            path.Dispose();
        }
    }
}
