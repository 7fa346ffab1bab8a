using MultitaskLearning.Kernels;
using MultitaskLearning.Models;
using TorchSharp.Modules;

namespace MultitaskLearning.Training;

/// <summary>
/// The fused engine's MMoE/CGC stage (<see cref="ExpertMixture"/>): from the representation h [B, H] the first layer
/// of every expert in two products (the shared experts', then the task experts'), each expert's deeper layers, the
/// gates of all tasks in one product with a softmax per task, and each task's mixture Σ_e g_t,e · expert_e written
/// side by side ([B, T·h_e], task t's columns at t·h_e); and the gradients of all of it, down to h when a trunk or
/// encoder lies below. Experts are numbered shared first (0 … S − 1), then task t's own (S + t·P + p); gate column
/// t·(S + P) + k mixes task t's k-th choice, its shared experts before its own, as the module does.
/// Parameters sit in the engine's flat buffers: the shared experts' in the shared part
/// (<see cref="LayOutShared"/>), the gates and task experts' in the task-specific part (<see cref="LayOutTaskSpecific"/>).
/// </summary>
internal sealed unsafe class FusedExpertMixture : IFusedTaskMixer
{
    private readonly ExpertMixture module;
    private readonly string[] taskNames;
    private readonly KernelThreads threads;
    private readonly int inputWidth;
    private readonly int[] levelWidths;
    private readonly Activation activation;
    private readonly int shared;
    private readonly int perTask;
    private readonly int experts;
    private readonly int choices;
    private readonly int gateWidth;

    /// <summary>Each expert's dense layers, by expert number.</summary>
    private readonly Linear[][] expertLayers;

    /// <summary>Each expert's dropout after each level (null for none), and the masks they draw from.</summary>
    private readonly FusedDropout?[][] dropouts;
    private readonly DropoutMasks? masks;
    private readonly long[][] levelWeights;
    private readonly long[][] levelBiases;
    private long sharedFirstWeight;
    private long sharedFirstBias;
    private long taskFirstWeight;
    private long taskFirstBias;
    private long gateWeight;
    private long gateBias;
    private float* parameters;
    private float* gradients;

    /// <summary>Per expert level, all experts side by side, [B, N·width].</summary>
    private FusedLayerBuffers[] levels = [];
    private float* gateWeights;
    private float* gateGradients;
    private float* mixed;

    private FusedExpertMixture(ExpertMixture module, string[] taskNames, int inputWidth, KernelThreads threads)
    {
        this.module = module;
        this.taskNames = taskNames;
        this.inputWidth = inputWidth;
        this.threads = threads;
        shared = module.SharedExperts.Count;
        perTask = module.ExpertsPerTask;
        experts = shared + (taskNames.Length * perTask);
        choices = shared + perTask;
        gateWidth = taskNames.Length * choices;
        expertLayers = new Linear[experts][];
        dropouts = new FusedDropout?[experts][];
        for (var e = 0; e < experts; e++)
        {
            var plan = Plan(Expert(e));
            expertLayers[e] = plan.Where(l => l.Kind == LayerKind.Dense).Select(l => l.Dense!).ToArray();
            dropouts[e] = plan.Select((layer, i) => (layer, i)).Where(p => p.layer.Kind == LayerKind.Dense).Select(p => FusedDropout.After(plan, p.i + 1)).ToArray();
            masks ??= plan.FirstOrDefault(l => l.Kind == LayerKind.Dropout)?.Masks;
        }

        levelWidths = expertLayers[0].Select(l => (int)l.weight!.shape[0]).ToArray();
        activation = Plan(Expert(0))[1].Activation;
        levelWeights = new long[experts][];
        levelBiases = new long[experts][];
    }

    /// <summary>Columns of one task's mixture (the experts' output width).</summary>
    public int OutputWidth => levelWidths[^1];

    /// <summary>The tasks' mixtures side by side, [B, T·<see cref="OutputWidth"/>], after <see cref="Forward"/>.</summary>
    public float* Mixed => mixed;

    /// <summary>The gradient of the loss with respect to <see cref="Mixed"/>, for the engine to fill before <see cref="Backward"/>.</summary>
    public float* MixedGradients { get; private set; }

    /// <summary>Why the engine cannot run these experts (each a stack of dense layers each followed by the same built-in
    /// activation and possibly dropout; the task experts are built as the shared ones), or <see langword="null"/>.</summary>
    public static string? Unsupported(ExpertMixture mixture)
    {
        foreach (var plan in mixture.SharedExperts.Select(Plan))
        {
            var expected = LayerKind.Dense;
            foreach (var layer in plan)
            {
                string? problem = layer.Kind switch
                {
                    LayerKind.Dropout when expected == LayerKind.Dense => null,
                    _ when layer.Kind != expected => $"an expert is not dense layers each followed by an activation and possibly dropout ({string.Join(", ", plan.Select(l => l.Kind))})",
                    LayerKind.Dense => null,
                    LayerKind.Activation => FusedActivation.Unsupported(layer.Activation),
                    _ => throw new ArgumentOutOfRangeException(nameof(mixture), layer.Kind, "Unknown layer kind."),
                };
                if (problem is not null)
                {
                    return problem;
                }

                expected = layer.Kind == LayerKind.Dense ? LayerKind.Activation : LayerKind.Dense;
            }

            if (plan.Count == 0 || plan[^1].Kind == LayerKind.Dense)
            {
                return "an expert does not end with an activation";
            }
        }

        return null;
    }

    /// <summary>The stage for <paramref name="mixture"/> (accepted by <see cref="Unsupported"/>) over the tasks in
    /// the engine's order, reading representations of <paramref name="inputWidth"/> values.</summary>
    public static FusedExpertMixture Create(ExpertMixture mixture, IReadOnlyList<string> taskNames, int inputWidth, KernelThreads threads) =>
        new(mixture, [.. taskNames], inputWidth, threads);

    /// <summary>Places the shared experts' parameters from <paramref name="offset"/> on; returns the offset after them.</summary>
    public long LayOutShared(long offset)
    {
        var first = levelWidths[0];
        sharedFirstWeight = offset;
        offset += (long)inputWidth * shared * first;
        sharedFirstBias = offset;
        offset += (long)shared * first;
        for (var e = 0; e < shared; e++)
        {
            offset = LayOutLevels(e, offset);
        }

        return offset;
    }

    /// <summary>Places the gates' and the task experts' parameters from <paramref name="offset"/> on; returns the offset after them.</summary>
    public long LayOutTaskSpecific(long offset)
    {
        gateWeight = offset;
        offset += (long)inputWidth * gateWidth;
        gateBias = offset;
        offset += gateWidth;
        var taskExperts = experts - shared;
        taskFirstWeight = offset;
        offset += (long)inputWidth * taskExperts * levelWidths[0];
        taskFirstBias = offset;
        offset += (long)taskExperts * levelWidths[0];
        for (var e = shared; e < experts; e++)
        {
            offset = LayOutLevels(e, offset);
        }

        return offset;
    }

    /// <summary>Allocates the stage's buffers for batches of up to <paramref name="maxBatch"/> and binds the engine's
    /// flat parameter and gradient buffers.</summary>
    public void Bind(float* parameters, float* gradients, Func<long, IntPtr> allocate, int maxBatch)
    {
        this.parameters = parameters;
        this.gradients = gradients;
        levels = levelWidths.Select((width, j) => FusedLayerBuffers.Allocate(allocate, (long)maxBatch * experts * width, activation, dropouts[0][j] is not null)).ToArray();

        gateWeights = (float*)allocate((long)maxBatch * gateWidth);
        gateGradients = (float*)allocate((long)maxBatch * gateWidth);
        mixed = (float*)allocate((long)maxBatch * taskNames.Length * OutputWidth);
        MixedGradients = (float*)allocate((long)maxBatch * taskNames.Length * OutputWidth);
    }

    /// <summary>The experts, the gates and the mixtures of a batch of representations <paramref name="h"/> [B, H].</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Forward(float* h, int batch)
    {
        var first = levelWidths[0];
        var stride = experts * first;
        DenseForward(h, batch, sharedFirstWeight, sharedFirstBias, shared * first, levels[0].PreActivations, stride);
        DenseForward(h, batch, taskFirstWeight, taskFirstBias, (experts - shared) * first, levels[0].PreActivations + (shared * first), stride);
        FusedActivation.Forward(activation, levels[0].PreActivations, levels[0].Outputs, (long)batch * stride);
        Drop(0, batch);
        for (var j = 1; j < levelWidths.Length; j++)
        {
            int inWidth = levelWidths[j - 1], outWidth = levelWidths[j];
            var (input, output, level) = ((IntPtr)levels[j - 1].Dropped, (IntPtr)levels[j].PreActivations, j);
            threads.Run(experts, e =>
            {
                // Experts in parallel, each product on its thread alone (the same sums as one product on several).
                var target = (float*)output + (e * outWidth);
                VectorMath.BroadcastRows(parameters + levelBiases[e][level], outWidth, target, batch, experts * outWidth);
                Sgemm.Multiply(false, false, batch, outWidth, inWidth, 1, (float*)input + (e * inWidth), experts * inWidth, parameters + levelWeights[e][level], outWidth, 1, target, experts * outWidth);
            });

            FusedActivation.Forward(activation, levels[j].PreActivations, levels[j].Outputs, (long)batch * experts * outWidth);
            Drop(j, batch);
        }

        DenseForward(h, batch, gateWeight, gateBias, gateWidth, gateWeights, gateWidth);
        for (var row = 0; row < batch * taskNames.Length; row++)
        {
            Softmax(gateWeights + ((long)row * choices), choices);
        }

        var width = OutputWidth;
        var last = levels[^1].Dropped;
        for (var b = 0; b < batch; b++)
        {
            for (var t = 0; t < taskNames.Length; t++)
            {
                var target = mixed + ((((long)b * taskNames.Length) + t) * width);
                var gate = gateWeights + ((long)b * gateWidth) + (t * choices);
                new Span<float>(target, width).Clear();
                for (var k = 0; k < choices; k++)
                {
                    VectorMath.MultiplyAdd(gate[k], last + ((((long)b * experts) + ExpertOf(t, k)) * width), target, width);
                }
            }
        }
    }

    /// <summary>From <see cref="MixedGradients"/>, the gradients of the gates' and the experts' parameters (into the
    /// engine's gradient buffer) and, when <paramref name="inputGradient"/> is not null, of the representation
    /// <paramref name="h"/> the last <see cref="Forward"/> read.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Backward(float* h, int batch, float* inputGradient)
    {
        // The mixture: each expert's output gradient collects g_t,e · ∂L/∂mix_t; each gate weight gets ⟨∂L/∂mix_t, expert_e⟩.
        var width = OutputWidth;
        var last = levels[^1].Dropped;
        var lastGradient = levels[^1].Gradients;
        new Span<float>(lastGradient, checked(batch * experts * width)).Clear();
        for (var b = 0; b < batch; b++)
        {
            for (var t = 0; t < taskNames.Length; t++)
            {
                var mixGradient = MixedGradients + ((((long)b * taskNames.Length) + t) * width);
                var gate = gateWeights + ((long)b * gateWidth) + (t * choices);
                var gateGradient = gateGradients + ((long)b * gateWidth) + (t * choices);
                double weighted = 0;
                for (var k = 0; k < choices; k++)
                {
                    var expert = (((long)b * experts) + ExpertOf(t, k)) * width;
                    var dot = (float)VectorMath.Dot(mixGradient, last + expert, width);
                    gateGradient[k] = dot;
                    weighted += gate[k] * dot;
                    VectorMath.MultiplyAdd(gate[k], mixGradient, lastGradient + expert, width);
                }

                // Softmax: ∂L/∂logit_k = g_k (∂L/∂g_k − Σ_j g_j ∂L/∂g_j).
                for (var k = 0; k < choices; k++)
                {
                    gateGradient[k] = gate[k] * (gateGradient[k] - (float)weighted);
                }
            }
        }

        for (var j = levelWidths.Length - 1; j >= 0; j--)
        {
            var outWidth = levelWidths[j];
            levels[j].Backward(activation, batch, experts * outWidth);
            if (j == 0)
            {
                break;
            }

            var inWidth = levelWidths[j - 1];
            var (below, belowGradients, gradientsHere, level) = ((IntPtr)levels[j - 1].Dropped, (IntPtr)levels[j - 1].Gradients, (IntPtr)levels[j].Gradients, j);
            threads.Run(experts, e =>
            {
                var dz = (float*)gradientsHere + (e * outWidth);
                Sgemm.Multiply(true, false, inWidth, outWidth, batch, 1, (float*)below + (e * inWidth), experts * inWidth, dz, experts * outWidth, 0, gradients + levelWeights[e][level], outWidth);
                VectorMath.ColumnSums(dz, batch, outWidth, experts * outWidth, gradients + levelBiases[e][level]);
                Sgemm.Multiply(false, true, batch, inWidth, outWidth, 1, dz, experts * outWidth, parameters + levelWeights[e][level], outWidth, 0, (float*)belowGradients + (e * inWidth), experts * inWidth);
            });
        }

        var first = levelWidths[0];
        var stride = experts * first;
        var accumulate = false;
        DenseBackward(h, batch, sharedFirstWeight, sharedFirstBias, shared * first, levels[0].Gradients, stride, inputGradient, ref accumulate);
        DenseBackward(h, batch, taskFirstWeight, taskFirstBias, (experts - shared) * first, levels[0].Gradients + (shared * first), stride, inputGradient, ref accumulate);
        DenseBackward(h, batch, gateWeight, gateBias, gateWidth, gateGradients, gateWidth, inputGradient, ref accumulate);
    }

    /// <summary>Copies the experts' and gates' parameters between the flat buffer <paramref name="flatBase"/> (engine
    /// layout) and the network's tensors.</summary>
    public void Transfer(float* flatBase, ParameterLocator locate, bool toModule)
    {
        var first = levelWidths[0];
        for (var e = 0; e < experts; e++)
        {
            var (weight, bias, column, width) = e < shared
                ? (sharedFirstWeight, sharedFirstBias, e * first, shared * first)
                : (taskFirstWeight, taskFirstBias, (e - shared) * first, (experts - shared) * first);
            var layer = expertLayers[e][0];
            FlatWeights.CopyTransposed(locate(layer.weight!), flatBase + weight + column, inputWidth, first, width, toModule);
            FlatWeights.Copy(locate(layer.bias!), flatBase + bias + column, first, toModule);
            for (var j = 1; j < levelWidths.Length; j++)
            {
                layer = expertLayers[e][j];
                FlatWeights.CopyTransposed(locate(layer.weight!), flatBase + levelWeights[e][j], levelWidths[j - 1], levelWidths[j], levelWidths[j], toModule);
                FlatWeights.Copy(locate(layer.bias!), flatBase + levelBiases[e][j], levelWidths[j], toModule);
            }
        }

        for (var t = 0; t < taskNames.Length; t++)
        {
            var gate = module.GateOf(taskNames[t]);
            FlatWeights.CopyTransposed(locate(gate.weight!), flatBase + gateWeight + (t * choices), inputWidth, choices, gateWidth, toModule);
            FlatWeights.Copy(locate(gate.bias!), flatBase + gateBias + (t * choices), choices, toModule);
        }
    }

    private static IReadOnlyList<LayerDescription> Plan(DenseStack expert) => expert.Describe();

    /// <summary>Each expert's dropout after level <paramref name="level"/>, when there is one.</summary>
    private void Drop(int level, int batch)
    {
        var width = levelWidths[level];
        for (var e = 0; e < experts; e++)
        {
            var column = e * width;
            dropouts[e][level]?.Forward(masks!, levels[level].Outputs + column, levels[level].Masks + column, levels[level].Dropped + column, batch, width, experts * width);
        }
    }

    /// <summary>x ← softmax(x) over <paramref name="count"/> values.</summary>
    private static void Softmax(float* x, int count)
    {
        var max = float.NegativeInfinity;
        for (var k = 0; k < count; k++)
        {
            max = MathF.Max(max, x[k]);
        }

        float sum = 0;
        for (var k = 0; k < count; k++)
        {
            x[k] = MathF.Exp(x[k] - max);
            sum += x[k];
        }

        for (var k = 0; k < count; k++)
        {
            x[k] /= sum;
        }
    }

    /// <summary>The network module of expert <paramref name="e"/> in the stage's numbering.</summary>
    private DenseStack Expert(int e) => e < shared
        ? module.SharedExperts[e]
        : module.TaskExpert(taskNames[(e - shared) / perTask], (e - shared) % perTask);

    /// <summary>The expert that task <paramref name="task"/>'s gate column <paramref name="choice"/> mixes.</summary>
    private int ExpertOf(int task, int choice) => choice < shared ? choice : shared + (task * perTask) + choice - shared;

    /// <summary>Places expert <paramref name="e"/>'s layers after its first from <paramref name="offset"/> on.</summary>
    private long LayOutLevels(int e, long offset)
    {
        levelWeights[e] = new long[levelWidths.Length];
        levelBiases[e] = new long[levelWidths.Length];
        for (var j = 1; j < levelWidths.Length; j++)
        {
            levelWeights[e][j] = offset;
            offset += (long)levelWidths[j - 1] * levelWidths[j];
            levelBiases[e][j] = offset;
            offset += levelWidths[j];
        }

        return offset;
    }

    /// <summary>target (rows <paramref name="stride"/> apart) ← h·W + b for the [H, <paramref name="width"/>] weight at
    /// <paramref name="weight"/>; nothing when the width is 0.</summary>
    private void DenseForward(float* h, int batch, long weight, long bias, int width, float* target, int stride)
    {
        if (width == 0)
        {
            return;
        }

        VectorMath.BroadcastRows(parameters + bias, width, target, batch, stride);
        Sgemm.Multiply(false, false, batch, width, inputWidth, 1, h, inputWidth, parameters + weight, width, 1, target, stride, threads);
    }

    /// <summary>The weight and bias gradients of <see cref="DenseForward"/> from its output gradient
    /// <paramref name="dz"/>, and its input gradient into <paramref name="inputGradient"/> (set by the first call,
    /// added by the later ones) when that is not null.</summary>
    private void DenseBackward(float* h, int batch, long weight, long bias, int width, float* dz, int stride, float* inputGradient, ref bool accumulate)
    {
        if (width == 0)
        {
            return;
        }

        Sgemm.Multiply(true, false, inputWidth, width, batch, 1, h, inputWidth, dz, stride, 0, gradients + weight, width, threads);
        VectorMath.ColumnSums(dz, batch, width, stride, gradients + bias);
        if (inputGradient != null)
        {
            Sgemm.Multiply(false, true, batch, inputWidth, width, 1, dz, stride, parameters + weight, width, accumulate ? 1 : 0, inputGradient, inputWidth, threads);
            accumulate = true;
        }
    }
}
