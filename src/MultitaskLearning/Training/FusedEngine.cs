using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MultitaskLearning.Kernels;
using MultitaskLearning.Models;
using MultitaskLearning.Tasks;
using MultitaskLearning.Training.Aggregation;
using MultitaskLearning.Training.Weighting;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MultitaskLearning.Training;

/// <summary>
/// The fused training engine (<see cref="TrainingEngine.Fused"/>) for models whose description (<see cref="NetworkDescription"/>)
/// is a shared path of convolution blocks (convolution, ReLU, max-pool; possibly none) and dense layers with any built-in
/// activation, possibly ending with MMoE/CGC experts or cross-stitch columns (<see cref="IFusedTaskMixer"/>), then per
/// task a tower of dense layers (possibly none) and a dense head (models of every family with a dense or convolutional
/// encoder; a task-specific model's layers are its tasks' towers, after the encoder of its one task on the input): the forward pass, the per-task losses and their gradients, the backward pass and the SGD, Adam or AdamW
/// update of one step run as a few large matrix products (the first task layer of all tasks in one, or one per task
/// after experts) and fused loops over one flat parameter buffer, with no autograd graph or host synchronisation per
/// step, and no allocation unless the loss weights change from step to step (<see cref="WeighLosses"/>).
/// Per-task gradients for Gram-based aggregators are taken with respect to the shared parameters (the task gradients
/// flow back through the trunk together, stacked along the batch) or to the shared representation (one trunk backward
/// pass). The network's parameters are read at the start and written back by <see cref="StoreToNetwork"/>.
/// </summary>
internal sealed unsafe class FusedEngine : ITrainingEngine
{
    private readonly TrainerOptions options;
    private readonly MultitaskNetwork network;
    private readonly PreparedInput input;
    private readonly Linear[] layers;
    private readonly ConvolutionStage[] convolutions;
    private readonly HeadTask[] heads;
    private readonly int[] widths;
    private readonly int headWidth;
    private readonly int maxBatch;
    private readonly long[] weightOffsets;
    private readonly long[] biasOffsets;
    private readonly long firstWeightOffset;
    private readonly long firstBiasOffset;

    /// <summary>Task layers per task (1: a head only; more: a tower of dense layers with <see cref="towerActivation"/>, then the head).</summary>
    private readonly int taskLevels;

    /// <summary>Columns of the first task layer of all tasks together (the heads' outputs when there are no towers).</summary>
    private readonly int firstWidth;

    /// <summary>Columns of tower level l of all tasks together (levels 0 … taskLevels − 2).</summary>
    private readonly int[] towerWidths;
    private readonly float*[] towerOutputs;
    private readonly float*[] towerGradients;

    /// <summary>The first task layer's outputs and their gradients: the heads', or tower level 0's.</summary>
    private readonly float* firstOutputs;
    private readonly float* firstGradients;
    /// <summary>The MMoE/CGC experts or cross-stitch columns after the shared layers, or null: then every task reads
    /// the shared representation.</summary>
    private readonly IFusedTaskMixer? mixture;

    /// <summary>Values per sample the first task layer reads: the shared representation's width, or one task's mixture's.</summary>
    private readonly int taskInputWidth;
    private readonly long sharedLength;

    /// <summary>Whether the model is task-specific: its encoder (in the shared part of the buffers when an input has one
    /// task with a convolutional encoder of its own) is trained at the task-specific rate, as every parameter.</summary>
    private readonly bool taskSpecificModel;
    private readonly long totalLength;
    private readonly int globalTaskCount;
    private readonly GramAggregator? aggregator;
    private readonly Random random;

    /// <summary>The loss weighting; when its weights are not constant, <see cref="LossWeightingState.Combine"/> gives
    /// each step's weights from the step's losses, as in the autograd engine.</summary>
    private readonly LossWeightingState weighting;
    private readonly bool constantWeights;

    /// <summary>The weighting's learned parameters (uncertainty weighting's log-variances) when this path holds them, at
    /// the end of the task-specific part of the buffers from <see cref="weightingOffset"/>: the optimiser updates them
    /// with the network's, at the task-specific rate, as autograd does.</summary>
    private readonly IReadOnlyList<Parameter> weightingParameters;
    private readonly long weightingOffset;
    private readonly KernelThreads threads;
    private readonly List<IntPtr> allocations = [];
    private readonly float* parameters;
    private readonly float* gradients;
    /// <summary>SGD's momentum buffer, or Adam's first moments (<c>exp_avg</c>).</summary>
    private readonly float* velocity;

    /// <summary>Adam's second moments (<c>exp_avg_sq</c>); null for SGD.</summary>
    private readonly float* secondMoments;
    private readonly float* taskGradients;
    private readonly float* gathered;

    /// <summary>Per tower level l ≥ 1 (index l − 1): its layers for <see cref="SmallProducts"/>, in task order, when
    /// at least <see cref="SmallProductTasks"/> tasks have layers at that level that all fit (else null); and each
    /// kernel thread's scratch for them.</summary>
    private readonly SmallLayer[]?[] smallLevels = [];
    private readonly float* smallScratch;
    private readonly long smallScratchLength;

    /// <summary>Per task of this path, the step's labelled rows and loss sum (reused every step).</summary>
    private readonly float[] headCounts;
    private readonly double[] headLossSums;

    /// <summary>The number of tasks from which a level's small layers skip the general product.</summary>
    internal const int SmallProductTasks = 16;
    private readonly float*[] activations;

    /// <summary>Each dense layer's dropout (null for none), its masks and its outputs after it (the next layer's input).</summary>
    private readonly FusedDropout?[] layerDropouts;
    private readonly float*[] dropoutMasks;
    private readonly float*[] droppedActivations;

    /// <summary>Each task's dropout after tower level l (null for none), the level's masks and its outputs after dropout.</summary>
    private readonly FusedDropout?[][] towerDropouts;
    private readonly float*[] towerMasks;
    private readonly float*[] towerDropped;

    /// <summary>Each dense layer's activation, and its outputs before it (the same buffer as <see cref="activations"/> for ReLU).</summary>
    private readonly Activation[] layerActivations;
    private readonly float*[] preActivations;

    /// <summary>The activation between task layers, and tower outputs before it (the same buffers as <see cref="towerOutputs"/> for ReLU).</summary>
    private readonly Activation towerActivation;
    private readonly float*[] towerPreActivations;
    private readonly float* headOutputs;
    private readonly float* headGradients;
    private readonly float* backwardA;
    private readonly float* backwardB;
    private readonly float* representationGradients;
    private readonly float* features;
    private readonly float* targets;
    private readonly float* present;
    private readonly int featureWidth;

    /// <summary>The first convolution's input in channels-last layout (null without convolutions).</summary>
    private readonly float* channelsLast;

    /// <summary>The last max-pool's output flattened channels-first: the first dense layer's input.</summary>
    private readonly float* flattened;
    private readonly float* poolGradientA;
    private readonly float* poolGradientB;
    private readonly float* convolutionOutputGradient;

    /// <summary>Per kernel thread, the unfolded rows of one chunk of samples (and, in the backward pass, their gradient).</summary>
    private readonly float* columnChunks;
    private readonly long columnChunkLength;
    private readonly int targetWidth;
    private readonly int presentWidth;
    private bool firstStep = true;

    /// <summary>The batch of the last <see cref="ForwardAndLosses"/>: its samples, its shared representation and its size.</summary>
    private float* currentSamples;
    private float* currentRepresentation;
    private int currentBatch;

    /// <summary>Adam's step count t, the same for every parameter (each is updated at every step).</summary>
    private long adamSteps;

    private FusedEngine(TrainerOptions options, MultitaskNetwork network, PreparedInput input, ConvolutionLayer[] convolutionLayers, int trunkInputWidth, Linear[] layers, Activation[] layerActivations, FusedDropout?[] layerDropouts, LayerDescription? mixerLayer, int[][] taskSizes, Activation towerActivation, FusedDropout?[][] towerDropouts, int[] taskIndices, int globalTaskCount, LossWeightingState weighting, bool holdsWeightingParameters, Random random)
    {
        this.weighting = weighting;
        weightingParameters = holdsWeightingParameters ? weighting.Parameters : [];
        constantWeights = weighting is ConstantWeightsState;
        var taskWeights = constantWeights ? weighting.CurrentWeights() : Enumerable.Repeat(1.0, globalTaskCount).ToArray();
        this.layerActivations = layerActivations;
        this.layerDropouts = layerDropouts;
        this.towerDropouts = towerDropouts;
        this.towerActivation = towerActivation;
        this.options = options;
        this.network = network;
        this.input = input;
        this.layers = layers;
        this.globalTaskCount = globalTaskCount;
        this.random = random;
        taskSpecificModel = network.Definition.Family == ModelFamily.TaskSpecific; // the trainer refuses aggregators for it
        aggregator = options.GradientAggregator as GramAggregator;
        var layout = input.Layout;
        widths = [trunkInputWidth, .. layers.Select(l => (int)l.weight!.shape[0])];
        threads = new KernelThreads(ThreadCount(options));
        mixture = mixerLayer?.Kind switch
        {
            null => null,
            LayerKind.ExpertMixture => FusedExpertMixture.Create(mixerLayer.Mixture!, input.Layout.Tasks.Select(t => t.Name).ToArray(), widths[^1], threads),
            LayerKind.CrossStitch => FusedCrossStitch.Create(mixerLayer, input.Layout.Tasks.Count, threads),
            _ => throw new ArgumentOutOfRangeException(nameof(mixerLayer), mixerLayer.Kind, "Not a layer that gives each task representations of its own."),
        };
        taskInputWidth = mixture?.OutputWidth ?? widths[^1];
        headWidth = layout.TotalWidth;
        taskLevels = taskSizes[0].Length - 1;
        towerWidths = new int[taskLevels - 1];
        for (var l = 0; l < towerWidths.Length; l++)
        {
            towerWidths[l] = taskSizes.Sum(sizes => sizes[l + 1]);
        }

        firstWidth = taskLevels == 1 ? headWidth : towerWidths[0];
        var targetOffsets = TargetColumns.Offsets(layout.Tasks);
        var firstOffset = 0;
        heads = new HeadTask[layout.Tasks.Count];
        for (var t = 0; t < heads.Length; t++)
        {
            var task = layout.Tasks[t];
            var first = taskLevels == 1 ? layout.Offsets[t] : firstOffset;
            heads[t] = new HeadTask(task, t, taskIndices[t], layout.Offsets[t], task.OutputSize, targetOffsets[t], (float)taskWeights[taskIndices[t]], first, taskSizes[t][1], []);
            firstOffset += taskSizes[t][1];
        }

        long offset = 0;
        convolutions = new ConvolutionStage[convolutionLayers.Length];
        for (var c = 0; c < convolutions.Length; c++)
        {
            var shape = convolutionLayers[c].Geometry;
            var weightOffset = offset;
            offset += (long)shape.UnfoldedWidth * shape.OutChannels;
            convolutions[c] = new ConvolutionStage(convolutionLayers[c], weightOffset, offset, direct: c == 0 && DirectConvolution.Handles(shape));
            offset += shape.OutChannels;
        }

        weightOffsets = new long[layers.Length];
        biasOffsets = new long[layers.Length];
        for (var l = 0; l < layers.Length; l++)
        {
            weightOffsets[l] = offset;
            offset += (long)widths[l] * widths[l + 1];
            biasOffsets[l] = offset;
            offset += widths[l + 1];
        }

        var mixtureStart = offset;
        if (mixture is not null)
        {
            offset = mixture.LayOutShared(offset);
        }

        sharedLength = offset;
        firstWeightOffset = offset;
        offset += (long)taskInputWidth * firstWidth;
        firstBiasOffset = offset;
        offset += firstWidth;
        for (var t = 0; t < heads.Length; t++)
        {
            // Tower level l (≥ 1) of task t reads its columns of level l − 1 and writes its columns of level l, or its head outputs.
            var levels = new TowerLevel[taskLevels - 1];
            for (var l = 1; l < taskLevels; l++)
            {
                int inWidth = taskSizes[t][l], outWidth = taskSizes[t][l + 1];
                var inputOffset = taskSizes.Take(t).Sum(sizes => sizes[l]);
                var outputOffset = l == taskLevels - 1 ? heads[t].Offset : taskSizes.Take(t).Sum(sizes => sizes[l + 1]);
                var weightOffset = offset;
                offset += (long)inWidth * outWidth;
                levels[l - 1] = new TowerLevel(weightOffset, offset, inWidth, outWidth, inputOffset, outputOffset);
                offset += outWidth;
            }

            heads[t] = heads[t] with { Levels = levels };
        }

        if (mixture is not null)
        {
            offset = mixture.LayOutTaskSpecific(offset);
        }

        weightingOffset = offset;
        offset += weightingParameters.Sum(p => p.numel());
        totalLength = offset;

        // Blocks by owner: a convolution, a dense layer, the shared experts (modules an input's path may share with
        // another's), and everything task-specific, which belongs to this input's tasks alone.
        var blocks = new List<(object Key, long Offset, long Length)>();
        blocks.AddRange(convolutions.Select(stage => ((object)stage.Layer, stage.WeightOffset, stage.BiasOffset + stage.Shape.OutChannels - stage.WeightOffset)));
        blocks.AddRange(layers.Select((layer, l) => ((object)layer, weightOffsets[l], biasOffsets[l] + widths[l + 1] - weightOffsets[l])));
        if (mixerLayer is not null)
        {
            blocks.Add(((object?)mixerLayer.Mixture ?? mixerLayer.CrossStitch!, mixtureStart, sharedLength - mixtureStart));
        }

        blocks.Add((input, sharedLength, totalLength - sharedLength));
        if (blocks.Sum(b => b.Length) != totalLength)
        {
            throw new InvalidOperationException($"The fused engine's parameter blocks cover {blocks.Sum(b => b.Length)} of {totalLength} values.");
        }

        Blocks = blocks;

        maxBatch = BatchScheduler.BatchSize(options, input.Count);
        var taskSlots = aggregator is null ? 1 : heads.Length;
        var widest = widths.Max();
        featureWidth = convolutions.Length > 0 ? convolutions[0].Shape.InChannels * convolutions[0].Shape.Height * convolutions[0].Shape.Width : widths[0];
        targetWidth = (int)input.Targets.shape[1];
        presentWidth = (int)input.Present.shape[1];
        features = Runtime.TensorMemory.Floats(input.Features);
        targets = Runtime.TensorMemory.Floats(input.Targets);
        present = Runtime.TensorMemory.Floats(input.Present);
        try
        {
            parameters = Allocate(totalLength);
            gradients = Allocate(totalLength);
            velocity = Allocate(totalLength);
            secondMoments = options.Optimizer == OptimizerKind.Sgd ? null : Allocate(totalLength);
            taskGradients = aggregator is not null && options.AggregationSpace == AggregationSpace.SharedParameters ? Allocate(sharedLength * heads.Length) : null;
            gathered = Allocate((long)maxBatch * featureWidth);
            activations = new float*[layers.Length];
            preActivations = new float*[layers.Length];
            dropoutMasks = new float*[layers.Length];
            droppedActivations = new float*[layers.Length];
            for (var l = 0; l < layers.Length; l++)
            {
                activations[l] = Allocate((long)maxBatch * widths[l + 1]);
                preActivations[l] = layerActivations[l] == Activation.ReLU ? activations[l] : Allocate((long)maxBatch * widths[l + 1]);
                dropoutMasks[l] = layerDropouts[l] is null ? null : Allocate((long)maxBatch * widths[l + 1]);
                droppedActivations[l] = layerDropouts[l] is null ? activations[l] : Allocate((long)maxBatch * widths[l + 1]);
            }

            headOutputs = Allocate((long)maxBatch * headWidth);
            headGradients = Allocate((long)maxBatch * headWidth);
            towerOutputs = new float*[towerWidths.Length];
            towerPreActivations = new float*[towerWidths.Length];
            towerGradients = new float*[towerWidths.Length];
            towerMasks = new float*[towerWidths.Length];
            towerDropped = new float*[towerWidths.Length];
            for (var l = 0; l < towerWidths.Length; l++)
            {
                towerOutputs[l] = Allocate((long)maxBatch * towerWidths[l]);
                towerPreActivations[l] = towerActivation == Activation.ReLU ? towerOutputs[l] : Allocate((long)maxBatch * towerWidths[l]);
                towerMasks[l] = towerDropouts[0][l] is null ? null : Allocate((long)maxBatch * towerWidths[l]);
                towerDropped[l] = towerDropouts[0][l] is null ? towerOutputs[l] : Allocate((long)maxBatch * towerWidths[l]);
                towerGradients[l] = Allocate((long)maxBatch * towerWidths[l]);
            }

            firstOutputs = taskLevels == 1 ? headOutputs : towerPreActivations[0];
            firstGradients = taskLevels == 1 ? headGradients : towerGradients[0];
            smallLevels = Enumerable.Range(1, taskLevels - 1)
                .Select(l => heads.Length >= SmallProductTasks && heads.All(h => SmallProducts.Fits(h.Levels[l - 1].InWidth, h.Levels[l - 1].OutWidth))
                    ? heads.Select(h => h.Levels[l - 1]).Select(v => new SmallLayer(v.WeightOffset, v.BiasOffset, v.InWidth, v.OutWidth, v.InputOffset, v.OutputOffset)).ToArray()
                    : null)
                .ToArray();
            smallScratchLength = smallLevels.Select(level => level is null ? 0 : SmallProducts.ScratchLength(level)).DefaultIfEmpty(0).Max();
            smallScratch = smallScratchLength > 0 ? Allocate(threads.Count * smallScratchLength) : null;
            headCounts = new float[heads.Length];
            headLossSums = new double[heads.Length];
            backwardA = Allocate((long)taskSlots * maxBatch * widest);
            backwardB = Allocate((long)taskSlots * maxBatch * widest);
            representationGradients = aggregator is not null ? Allocate((long)heads.Length * maxBatch * widths[^1]) : null;
            if (convolutions.Length > 0)
            {
                channelsLast = convolutions[0].Direct ? null : Allocate((long)maxBatch * featureWidth);
                flattened = Allocate((long)maxBatch * widths[0]);
                long pooled = 0, outputs = 0;
                foreach (var stage in convolutions)
                {
                    var shape = stage.Shape;
                    var positions = (long)maxBatch * shape.Height * shape.Width;
                    var pooledLength = (long)maxBatch * shape.PooledHeight * shape.PooledWidth * shape.OutChannels;
                    if (stage.Direct)
                    {
                        stage.Padded = Allocate(maxBatch * DirectConvolution.PaddedSampleLength(shape)); // zero border
                    }
                    else
                    {
                        columnChunkLength = Math.Max(columnChunkLength, (long)stage.SamplesPerChunk * shape.Height * shape.Width * shape.UnfoldedWidth);
                    }

                    stage.WeightGradientParts = Allocate((long)threads.Count * shape.UnfoldedWidth * shape.OutChannels);
                    stage.BiasGradientParts = Allocate((long)threads.Count * shape.OutChannels);
                    stage.Outputs = Allocate(positions * shape.OutChannels);
                    stage.Pooled = Allocate(pooledLength);
                    pooled = Math.Max(pooled, pooledLength);
                    outputs = Math.Max(outputs, positions * shape.OutChannels);
                }

                poolGradientA = Allocate(pooled);
                poolGradientB = Allocate(pooled);
                convolutionOutputGradient = Allocate(outputs);
                columnChunks = columnChunkLength > 0 ? Allocate(threads.Count * columnChunkLength) : null;
            }

            mixture?.Bind(parameters, gradients, count => (IntPtr)Allocate(count), maxBatch);
            LoadFromNetwork();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The thread count of the engine's kernels: <see cref="TrainerOptions.Threads"/>, or by default the cores
    /// up to 4 (one step's products are too small to share among more).</summary>
    public static int ThreadCount(TrainerOptions options) => options.Threads ?? Math.Min(Environment.ProcessorCount, 4);

    /// <summary>Why the fused engine cannot train this configuration, or <see langword="null"/> when it can. The network
    /// part is read from the network's own description of its layers (<see cref="MultitaskNetwork.Describe"/>), so a
    /// layer the engine does not implement is refused, never trained as something else.</summary>
    public static string? Unsupported(TrainerOptions options, MultitaskNetwork network, PreparedData data, LossWeightingState weighting)
    {
        if (!(Sgemm.UsesAvx512 || (Avx2.IsSupported && Fma.IsSupported && Vector256.IsHardwareAccelerated)))
        {
            return "the processor has neither AVX-512 nor AVX2 with FMA";
        }

        if (network.Device.type != TorchSharp.DeviceType.CPU)
        {
            return $"the model is on {network.Device}, and the fused engine runs on the CPU";
        }

        if (data.Inputs.Count > 1 && options.GradientAggregator is { } multiInput)
        {
            return $"aggregator '{multiInput.Name}' is used with {data.Inputs.Count} inputs, whose per-task gradients the fused engine does not combine";
        }

        if (data.Inputs.Count > 1 && options.TaskSampling != TaskSampling.AllInputs)
        {
            return $"tasks are sampled ({options.TaskSampling}) from {data.Inputs.Count} inputs, and the fused engine trains every input at every step";
        }

        foreach (var input in data.Inputs)
        {
            if (UnsupportedInput(options, network, input) is { } problem)
            {
                return data.Inputs.Count > 1 ? $"on input '{input.InputName}', {problem}" : problem;
            }
        }

        switch (options.Optimizer)
        {
            case OptimizerKind.Sgd or OptimizerKind.Adam or OptimizerKind.AdamW:
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(options), options.Optimizer, "Unknown optimiser.");
        }

        if (weighting.Parameters.Count > 0 && options.LossWeighting is not UncertaintyWeighting)
        {
            return $"loss weighting '{options.LossWeighting.GetType().Name}' learns parameters from the losses' autograd graph, which the fused engine does not build";
        }

        if (options.GradientAggregator is { } aggregator and not GramAggregator)
        {
            return $"aggregator '{aggregator.Name}' does not work on the Gram matrix of the task gradients";
        }

        if (options.RecordTaskRelationships || options.RecordTaskAffinity)
        {
            return "task relationships or affinity are recorded";
        }

        if (options.TrainableTasks is not null || options.SharedLearningRateFactor == 0)
        {
            return "some parameters are frozen (TrainableTasks or SharedLearningRateFactor = 0)";
        }

        return null;
    }

    /// <summary>Why the engine cannot train one input's path: its layers, losses or prepared tensors.</summary>
    private static string? UnsupportedInput(TrainerOptions options, MultitaskNetwork network, PreparedInput input)
    {
        var description = network.Describe(input.InputName);
        if (UnsupportedLayers(description) is { } layers)
        {
            return layers;
        }

        if (options.GradientAggregator is { } combining && description.Shared.Count > 0 && description.Shared[^1].Kind is LayerKind.ExpertMixture or LayerKind.CrossStitch)
        {
            return $"aggregator '{combining.Name}' is used with {(description.Shared[^1].Kind == LayerKind.CrossStitch ? "cross-stitch columns" : "experts (MMoE/CGC)")}, whose per-task gradients the fused engine does not take";
        }

        foreach (var task in input.Layout.Tasks)
        {
            if (task.Loss is not (LossKind.CrossEntropy or LossKind.BinaryCrossEntropyWithLogits or LossKind.MeanSquaredError))
            {
                return $"task '{task.Name}' uses the {task.Loss} loss (the fused engine implements cross-entropy, binary cross-entropy and squared error)";
            }
        }

        foreach (var (name, tensor) in new[] { ("features", input.Features), ("targets", input.Targets), ("label masks", input.Present) })
        {
            if (tensor.dtype != ScalarType.Float32 || !tensor.is_contiguous())
            {
                return $"the prepared {name} are not contiguous float32";
            }
        }

        return null;
    }

    /// <summary>Why the engine cannot run the described layers: it implements a shared path of convolution blocks
    /// (convolution, ReLU, max-pool) followed by dense layers each followed by an activation, possibly ending with
    /// MMoE/CGC experts (<see cref="FusedExpertMixture"/>), and per task stacked dense layers each followed by one
    /// activation except the last (the head), as deep for every task; each activation after a dense or task layer may
    /// be followed by dropout.</summary>
    private static string? UnsupportedLayers(NetworkDescription description)
    {
        if (description.Shared.Count == 0)
        {
            if (description.Family != ModelFamily.TaskSpecific)
            {
                return $"the {description.Family.ToName()} model has no shared layers on input '{description.InputName}'";
            }

            var (path, pathProblem) = AsOnePath(description);
            if (pathProblem is not null)
            {
                return pathProblem;
            }

            description = path;
        }

        var (shared, sharedProblem) = WithoutDropout(description.Shared, "the shared layers");
        if (sharedProblem is not null)
        {
            return sharedProblem;
        }

        var tasks = new List<(string Task, IReadOnlyList<LayerDescription> Layers)>();
        foreach (var (task, layers) in description.Tasks)
        {
            var (kept, problem) = WithoutDropout(layers, $"the layers of task '{task}'");
            if (problem is not null)
            {
                return problem;
            }

            if (layers.Count - kept.Count != description.Tasks[0].Layers.Count(l => l.Kind == LayerKind.Dropout))
            {
                return $"dropout is on in some tasks' towers and off in others ('{description.Tasks[0].Task}', '{task}')";
            }

            tasks.Add((task, kept));
        }

        description = description with { Shared = shared, Tasks = tasks };

        // Leading convolution blocks of three layers each; the loop below checks their order.
        var blockLayers = 0;
        while (blockLayers < description.Shared.Count && description.Shared[blockLayers].Kind == LayerKind.Convolution)
        {
            blockLayers += 3;
        }

        for (var i = 0; i < description.Shared.Count; i++)
        {
            var layer = description.Shared[i];
            var expected = i < blockLayers
                ? (i % 3) switch { 0 => LayerKind.Convolution, 1 => LayerKind.Activation, _ => LayerKind.MaxPool }
                : (i - blockLayers) % 2 == 0 ? LayerKind.Dense : LayerKind.Activation;
            string? problem = layer.Kind switch
            {
                LayerKind.Dense or LayerKind.Activation or LayerKind.Convolution or LayerKind.MaxPool when layer.Kind != expected =>
                    $"the shared layers are not convolution blocks (convolution, activation, max-pool) followed by dense layers each followed by an activation (layer {i + 1} is {layer.Kind}, expected {expected})",
                LayerKind.Dense or LayerKind.Convolution or LayerKind.MaxPool => null,
                LayerKind.Activation when i < blockLayers => layer.Activation == Activation.ReLU ? null : $"the convolution blocks' activation is {layer.Activation}, and the fused engine implements ReLU there",
                LayerKind.Activation => FusedActivation.Unsupported(layer.Activation),
                LayerKind.ExpertMixture or LayerKind.CrossStitch when i != description.Shared.Count - 1 => $"the {layer.Kind} layer is not the last shared layer (layer {i + 1} of {description.Shared.Count})",
                LayerKind.ExpertMixture or LayerKind.CrossStitch when (i - blockLayers) % 2 != 0 => $"the {layer.Kind} layer follows a dense layer without an activation",
                LayerKind.ExpertMixture => FusedExpertMixture.Unsupported(layer.Mixture!),
                LayerKind.CrossStitch => FusedCrossStitch.Unsupported(layer),
                LayerKind.StackedTaskLayer => "a task layer is shared",
                _ => throw new ArgumentOutOfRangeException(nameof(description), layer.Kind, "Unknown layer kind."),
            };
            if (problem is not null)
            {
                return problem;
            }
        }

        if (description.Shared.Count > 0 && description.Shared[^1].Kind is not (LayerKind.Activation or LayerKind.ExpertMixture or LayerKind.CrossStitch))
        {
            return "the shared layers do not end with an activation, experts or cross-stitch columns";
        }

        // Per task: stacked task layers each followed by an activation, the last (the head) by none; the same depth for all.
        foreach (var (task, layers) in description.Tasks)
        {
            for (var i = 0; i < layers.Count; i++)
            {
                var layer = layers[i];
                var expected = i % 2 == 0 ? LayerKind.StackedTaskLayer : LayerKind.Activation;
                string? problem = layer.Kind switch
                {
                    LayerKind.Dense or LayerKind.Activation or LayerKind.Convolution or LayerKind.MaxPool or LayerKind.ExpertMixture or LayerKind.CrossStitch or LayerKind.StackedTaskLayer when layer.Kind != expected =>
                        $"the {description.Family.ToName()} model gives task '{task}' layers other than task layers each followed by an activation ({string.Join(", ", layers.Select(l => l.Kind))})",
                    LayerKind.StackedTaskLayer => null,
                    LayerKind.Activation => FusedActivation.Unsupported(layer.Activation),
                    _ => throw new ArgumentOutOfRangeException(nameof(description), layer.Kind, "Unknown layer kind."),
                };
                if (problem is not null)
                {
                    return problem;
                }
            }

            if (layers.Count % 2 == 0)
            {
                return $"the layers of task '{task}' do not end with its head";
            }

            if (layers.Count > 1 && layers[1].Activation != description.Tasks[0].Layers[1].Activation)
            {
                return $"the tasks' towers use different activations ('{description.Tasks[0].Task}': {description.Tasks[0].Layers[1].Activation}, '{task}': {layers[1].Activation})";
            }

            if (layers.Count != description.Tasks[0].Layers.Count)
            {
                return $"the tasks have towers of different depths ('{description.Tasks[0].Task}': {description.Tasks[0].Layers.Count} layers, '{task}': {layers.Count})";
            }
        }

        return null;
    }

    /// <summary>A task-specific model's layers on one input as the engine runs them: with dense encoders (part of each
    /// task's stacked layers) no shared layers and the tasks' layers as towers over the input; with an encoder of the
    /// task's own (convolutional) and one task on the input, that encoder as the path's shared layers. Several tasks
    /// with encoders of their own are refused.</summary>
    private static (NetworkDescription Path, string? Problem) AsOnePath(NetworkDescription description)
    {
        var encoders = description.Tasks.Select(t => t.Layers.TakeWhile(l => l.Kind != LayerKind.StackedTaskLayer).ToArray()).ToArray();
        if (encoders.All(e => e.Length == 0))
        {
            return (description, null);
        }

        if (description.Tasks.Count > 1)
        {
            return (description, $"the task-specific model gives each of its {description.Tasks.Count} tasks on input '{description.InputName}' an encoder of its own, and the fused engine trains one encoder per input");
        }

        var (task, layers) = description.Tasks[0];
        return (description with { Shared = encoders[0], Tasks = [(task, layers.Skip(encoders[0].Length).ToArray())] }, null);
    }

    /// <summary>The layers without their dropout layers, or why a dropout layer is where the engine does not implement
    /// it (anywhere but right after the activation of a dense or task layer).</summary>
    private static (IReadOnlyList<LayerDescription> Layers, string? Problem) WithoutDropout(IReadOnlyList<LayerDescription> layers, string where)
    {
        var kept = new List<LayerDescription>();
        for (var i = 0; i < layers.Count; i++)
        {
            if (layers[i].Kind != LayerKind.Dropout)
            {
                kept.Add(layers[i]);
            }
            else if (i < 2 || layers[i - 1].Kind != LayerKind.Activation || layers[i - 2].Kind is not (LayerKind.Dense or LayerKind.StackedTaskLayer))
            {
                return (kept, $"dropout in {where} is not right after the activation of a dense layer (layer {i + 1})");
            }
        }

        return (kept, null);
    }

    /// <summary>Creates the engine for a configuration that <see cref="Unsupported"/> accepts: one path for a model
    /// with one input, or one per input joined by <see cref="FusedMultiInputEngine"/>.</summary>
    public static ITrainingEngine Create(TrainerOptions options, MultitaskNetwork network, PreparedData data, IReadOnlyList<TaskDefinition> tasks, LossWeightingState weighting, Random random) =>
        data.Inputs.Count == 1
            ? CreateForInput(options, network, data.Inputs[0], tasks, weighting, holdsWeightingParameters: true, random)
            : new FusedMultiInputEngine(options, data.Inputs.Select((input, k) => CreateForInput(options, network, input, tasks, weighting, holdsWeightingParameters: k == 0, random)).ToArray(), tasks.Count, weighting);

    /// <summary>Creates the path of one input (all of a one-input model).</summary>
    private static FusedEngine CreateForInput(TrainerOptions options, MultitaskNetwork network, PreparedInput input, IReadOnlyList<TaskDefinition> tasks, LossWeightingState weighting, bool holdsWeightingParameters, Random random)
    {
        var names = tasks.Select(t => t.Name).ToList();
        var indices = input.Layout.Tasks.Select(t => names.IndexOf(t.Name)).ToArray();
        var description = network.Describe(input.InputName);
        if (description.Shared.Count == 0)
        {
            description = AsOnePath(description).Path;
        }

        var shared = description.Shared;
        var convolutionLayers = shared.Where(l => l.Kind == LayerKind.Convolution).Select(l => l.Convolution!).ToArray();
        var dense = shared.Where(l => l.Kind == LayerKind.Dense).Select(l => l.Dense!).ToArray();
        var denseActivations = shared.Select((layer, i) => (layer, i)).Where(p => p.layer.Kind == LayerKind.Dense).Select(p => shared[p.i + 1].Activation).ToArray();
        var denseDropouts = shared.Select((layer, i) => (layer, i)).Where(p => p.layer.Kind == LayerKind.Dense).Select(p => FusedDropout.After(shared, p.i + 1)).ToArray();
        var taskLayers = description.Tasks.ToDictionary(t => t.Task, t => t.Layers, StringComparer.Ordinal);
        var trunkInputWidth = shared.FirstOrDefault(l => l.Kind is LayerKind.Dense or LayerKind.ExpertMixture or LayerKind.CrossStitch)?.InputSize
            ?? taskLayers[input.Layout.Tasks[0].Name][0].InputSize;
        var mixer = shared.Count > 0 && shared[^1].Kind is LayerKind.ExpertMixture or LayerKind.CrossStitch ? shared[^1] : null;
        var firstTaskLayers = taskLayers[input.Layout.Tasks[0].Name];
        var towerActivation = firstTaskLayers.Count > 1 ? firstTaskLayers[1].Activation : Activation.ReLU;
        var taskSizes = input.Layout.Tasks
            .Select(t => taskLayers[t.Name].Where(l => l.Kind == LayerKind.StackedTaskLayer).ToArray())
            .Select(levels => levels.Select(l => l.InputSize).Append(levels[^1].OutputSize).ToArray())
            .ToArray();

        // Per task, the dropout after each tower level (the activation after every task layer but the head).
        var towerDropouts = input.Layout.Tasks
            .Select(t => taskLayers[t.Name])
            .Select(layers => layers.Select((layer, i) => (layer, i)).Where(p => p.layer.Kind == LayerKind.StackedTaskLayer && p.i + 1 < layers.Count).Select(p => FusedDropout.After(layers, p.i + 1)).ToArray())
            .ToArray();
        return new FusedEngine(options, network, input, convolutionLayers, trunkInputWidth, dense, denseActivations, denseDropouts, mixer, taskSizes, towerActivation, towerDropouts, indices, tasks.Count, weighting, holdsWeightingParameters, random);
    }

    /// <inheritdoc/>
    public TrainingEngine Kind => TrainingEngine.Fused;

    /// <inheritdoc/>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public StepOutcome Step(IBatchSource scheduler, StepLearningRates learningRates)
    {
        var outcome = ForwardAndLosses(scheduler.NextRows()[0]);
        if (!constantWeights)
        {
            outcome = outcome with { Total = WeighLosses(weighting, [this], outcome.Losses, outcome.Counts) };
        }

        if (!IsFinite(outcome))
        {
            return outcome; // the loop reports the divergence; no update
        }

        Backward(outcome);
        if (options.GradientClipNorm is not null)
        {
            ScaleGradients(GradientClipping.Factor(Math.Sqrt(GradientSquares(_ => true)), options.GradientClipNorm));
        }

        Update(learningRates);
        return outcome;
    }

    /// <summary>The forward pass of a batch, its per-task losses (in the trainer's task order; the other inputs' tasks
    /// 0) and their gradients with respect to the heads' outputs, weighted when the weights are constant; the batch
    /// is kept for <see cref="Backward"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    internal StepOutcome ForwardAndLosses(BatchRows rows)
    {
        currentBatch = rows.Length;
        currentSamples = Gather(rows);
        currentRepresentation = Forward(currentSamples, currentBatch);
        var losses = new float[globalTaskCount];
        var counts = new float[globalTaskCount];
        var total = LossGradients(rows, currentBatch, losses, counts);
        return new StepOutcome(losses, counts, total);
    }

    /// <summary>Whether the step's total and the losses of this input's tasks with labelled rows are finite.</summary>
    internal bool IsFinite(StepOutcome outcome) =>
        double.IsFinite(outcome.Total) && heads.All(head => outcome.Counts[head.GlobalIndex] == 0 || float.IsFinite(outcome.Losses[head.GlobalIndex]));

    /// <summary>The backward pass of the batch of the last <see cref="ForwardAndLosses"/>: every parameter's gradient
    /// into the gradient buffer (combined by the aggregator when there is one).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    internal void Backward(StepOutcome outcome)
    {
        var x = currentSamples;
        var representation = currentRepresentation;
        var batch = currentBatch;

        // Task layers: each task's columns get only that task's gradient.
        TowersBackward(batch);
        var h = taskInputWidth;
        VectorMath.ColumnSums(firstGradients, batch, firstWidth, gradients + firstBiasOffset);
        if (mixture is not null)
        {
            for (var t = 0; t < heads.Length; t++)
            {
                var head = heads[t];
                var mixed = mixture.Mixed + (t * h);
                var weight = firstWeightOffset + head.FirstOffset;
                Sgemm.Multiply(true, false, h, head.FirstWidth, batch, 1, mixed, heads.Length * h, firstGradients + head.FirstOffset, firstWidth, 0, gradients + weight, firstWidth, threads);
                Sgemm.Multiply(false, true, batch, h, head.FirstWidth, 1, firstGradients + head.FirstOffset, firstWidth, parameters + weight, firstWidth, 0, mixture.MixedGradients + (t * h), heads.Length * h, threads);
            }

            var trunk = layers.Length > 0 || convolutions.Length > 0;
            mixture.Backward(representation, batch, trunk ? backwardA : null);
            if (trunk)
            {
                TrunkBackward(x, batch, 1, gradients, 0);
            }
        }
        else if (aggregator is null)
        {
            Sgemm.Multiply(true, false, h, firstWidth, batch, 1, representation, h, firstGradients, firstWidth, 0, gradients + firstWeightOffset, firstWidth, threads);
            Sgemm.Multiply(false, true, batch, h, firstWidth, 1, firstGradients, firstWidth, parameters + firstWeightOffset, firstWidth, 0, backwardA, h, threads);
            TrunkBackward(x, batch, 1, gradients, 0);
        }
        else
        {
            Sgemm.Multiply(true, false, h, firstWidth, batch, 1, representation, h, firstGradients, firstWidth, 0, gradients + firstWeightOffset, firstWidth, threads);
            AggregatedBackward(x, batch, outcome.Losses, outcome.Counts);
        }
    }

    /// <summary>Σ g² over the parameter blocks (<see cref="Blocks"/>) that <paramref name="counted"/> accepts, by its key.</summary>
    internal double GradientSquares(Func<object, bool> counted)
    {
        double sum = 0;
        foreach (var (key, offset, length) in Blocks)
        {
            if (counted(key))
            {
                sum += VectorMath.Dot(gradients + offset, gradients + offset, length);
            }
        }

        return sum;
    }

    /// <summary>Multiplies every gradient by <paramref name="factor"/> when it is below 1 (gradient clipping).</summary>
    internal void ScaleGradients(double factor)
    {
        if (factor < 1)
        {
            VectorMath.Scale((float)factor, gradients, totalLength);
        }
    }

    /// <summary>The parameter blocks of the flat buffers, each with the module (or task) it belongs to as its key: the
    /// same key in two engines (one per input) marks the same shared parameters.</summary>
    internal IReadOnlyList<(object Key, long Offset, long Length)> Blocks { get; }

    /// <summary>The flat gradient buffer (parameters in <see cref="Blocks"/>' layout).</summary>
    internal float* Gradients => gradients;

    /// <summary>The optimiser's update of every parameter, with the shared and the task-specific learning rate.</summary>
    internal void Update(StepLearningRates learningRates)
    {
        var sharedLength = taskSpecificModel ? 0 : this.sharedLength;
        var taskSpecificLength = totalLength - sharedLength;
        switch (options.Optimizer)
        {
            case OptimizerKind.Sgd:
                var momentum = (float)options.Momentum;
                var decay = (float)options.WeightDecay;
                var (sharedRate, taskRate, nesterov, first) = ((float)learningRates.Shared, (float)learningRates.TaskSpecific, options.Nesterov, firstStep);
                ForParts(0, sharedLength, (start, count) => VectorMath.SgdStep(parameters + start, gradients + start, velocity + start, count, sharedRate, momentum, decay, nesterov, first));
                ForParts(sharedLength, taskSpecificLength, (start, count) => VectorMath.SgdStep(parameters + start, gradients + start, velocity + start, count, taskRate, momentum, decay, nesterov, first));
                break;
            case OptimizerKind.Adam or OptimizerKind.AdamW:
                adamSteps++;
                var decoupled = options.Optimizer == OptimizerKind.AdamW;
                var (steps, weightDecay) = (adamSteps, options.WeightDecay);
                ForParts(0, sharedLength, (start, count) => VectorMath.AdamStep(parameters + start, gradients + start, velocity + start, secondMoments + start, count, learningRates.Shared, AdamSettings.Beta1, AdamSettings.Beta2, AdamSettings.Epsilon, weightDecay, decoupled, steps));
                ForParts(sharedLength, taskSpecificLength, (start, count) => VectorMath.AdamStep(parameters + start, gradients + start, velocity + start, secondMoments + start, count, learningRates.TaskSpecific, AdamSettings.Beta1, AdamSettings.Beta2, AdamSettings.Epsilon, weightDecay, decoupled, steps));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(learningRates), options.Optimizer, "Unknown optimiser.");
        }

        firstStep = false;
    }

    /// <summary>Runs an element-wise update over [<paramref name="offset"/>, + <paramref name="length"/>) of the flat
    /// buffers: in one part per kernel thread when the range is long (256 Ki values or more a part), the parts' bounds
    /// multiples of 64 values from <paramref name="offset"/>, so every value is computed as on one thread (the vector
    /// loops meet the same values, the scalar tail is the range's own).</summary>
    private void ForParts(long offset, long length, Action<long, long> update)
    {
        var parts = (int)Math.Clamp(length / 262_144, 1, threads.Active);
        if (parts == 1)
        {
            update(offset, length);
            return;
        }

        var share = (length / parts + 63) / 64 * 64;
        threads.Run(parts, part =>
        {
            var start = part * share;
            var count = Math.Min(share, length - start);
            if (count > 0)
            {
                update(offset + start, count);
            }
        });
    }

    /// <summary>The engine's kernel threads.</summary>
    internal KernelThreads Threads => threads;

    /// <summary>Whether the loss weights are the same at every step (else <see cref="LossWeightingState.Combine"/> gives them).</summary>
    internal bool ConstantWeights => constantWeights;

    /// <inheritdoc/>
    public ContentionGuard? CreateContentionGuard(Action<int> switched) => threads.Count > 1
        ? new ContentionGuard(threads.Count, count =>
        {
            threads.Active = count;
            switched(count);
        })
        : null;

    /// <inheritdoc/>
    public void StoreToNetwork() => Transfer(parameters, NetworkPointer, toTarget: true);

    /// <inheritdoc/>
    public void LoadFromNetwork() => Transfer(parameters, NetworkPointer, toTarget: false);

    /// <inheritdoc/>
    public OptimizerSnapshot ExportOptimizerState()
    {
        var names = ParameterNames();
        var (steps, buffers) = StateBuffers();
        var hasState = steps > 0 && buffers.Length > 0;
        var arrays = buffers.ToDictionary(b => b.Name, _ => new Dictionary<IntPtr, float[]>(), StringComparer.Ordinal);
        if (hasState)
        {
            foreach (var (bufferName, flat) in buffers)
            {
                var perParameter = arrays[bufferName];
                // Heads share their stacked parameter, so a parameter can be located more than once: one array each.
                WithPinned(
                    parameter => perParameter.TryGetValue(parameter.Handle, out var existing) ? existing : perParameter[parameter.Handle] = new float[parameter.numel()],
                    locate => Transfer((float*)flat, locate, toTarget: true));
            }
        }

        var result = new Dictionary<string, ParameterOptimizerState>(StringComparer.Ordinal);
        var owned = OwnedParameters();
        foreach (var (handle, name) in names.Where(n => owned.Contains(n.Key)))
        {
            var parameterBuffers = hasState
                ? buffers.ToDictionary(b => b.Name, b => arrays[b.Name][handle], StringComparer.Ordinal)
                : new Dictionary<string, float[]>(StringComparer.Ordinal);
            result[name] = new ParameterOptimizerState(steps, parameterBuffers, !firstStep);
        }

        return new OptimizerSnapshot(options.Optimizer, result);
    }

    /// <inheritdoc/>
    public void ImportOptimizerState(OptimizerSnapshot snapshot)
    {
        var names = ParameterNames();
        var trainable = new TrainableParameters(TrainedParameters(), []);
        OptimizerSnapshots.CheckMatches(snapshot, options.Optimizer, options.Momentum, trainable);
        var (_, buffers) = StateBuffers();
        var steps = snapshot.Parameters.Values.Select(p => p.Steps).Distinct().ToArray();
        if (steps.Length > 1)
        {
            throw new InvalidDataException($"The saved optimiser state has parameters at different step counts ({string.Join(", ", steps.Order())}); the fused engine updates every parameter at every step.");
        }

        var withBuffers = buffers.Length == 0 ? 0 : snapshot.Parameters.Values.Count(p => buffers.All(b => p.Buffers.ContainsKey(b.Name)));
        if (withBuffers != 0 && withBuffers != names.Count)
        {
            throw new InvalidDataException($"The saved optimiser state has {string.Join(" and ", buffers.Select(b => b.Name))} for {withBuffers} of {names.Count} parameters; the fused engine keeps it for all or none.");
        }

        var savedSteps = steps.Length == 0 ? 0 : steps[0];
        foreach (var (bufferName, flat) in withBuffers == 0 ? [] : buffers)
        {
            WithPinned(parameter => snapshot.Parameters[names[parameter.Handle]].Buffers[bufferName], locate => Transfer((float*)flat, locate, toTarget: false));
        }

        switch (options.Optimizer)
        {
            case OptimizerKind.Sgd:
                firstStep = withBuffers == 0;
                break;
            case OptimizerKind.Adam or OptimizerKind.AdamW:
                adamSteps = withBuffers == 0 ? 0 : savedSteps;
                firstStep = adamSteps == 0;
                if (withBuffers == 0)
                {
                    NativeMemory.Clear(velocity, (nuint)(totalLength * sizeof(float)));
                    NativeMemory.Clear(secondMoments, (nuint)(totalLength * sizeof(float)));
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(snapshot), options.Optimizer, "Unknown optimiser.");
        }
    }

    /// <summary>The optimiser's step count in <see cref="OptimizerSnapshot"/>'s terms and its flat buffers by name.</summary>
    private (long Steps, (string Name, IntPtr Flat)[] Buffers) StateBuffers() => options.Optimizer switch
    {
        OptimizerKind.Sgd => (firstStep ? 0 : 1, options.Momentum > 0 ? [("momentum", (IntPtr)velocity)] : []),
        OptimizerKind.Adam or OptimizerKind.AdamW => (adamSteps, [("exp_avg", (IntPtr)velocity), ("exp_avg_sq", (IntPtr)secondMoments)]),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Optimizer, "Unknown optimiser."),
    };

    /// <summary>Runs <paramref name="use"/> with a locator that pins, per parameter, the array <paramref name="array"/>
    /// gives, and unpins them all afterwards.</summary>
    private static void WithPinned(Func<Parameter, float[]> array, Action<ParameterLocator> use)
    {
        var pins = new List<GCHandle>();
        try
        {
            use(parameter =>
            {
                var values = array(parameter);
                pins.Add(GCHandle.Alloc(values, GCHandleType.Pinned));
                return (float*)Marshal.UnsafeAddrOfPinnedArrayElement(values, 0);
            });
        }
        finally
        {
            foreach (var pin in pins)
            {
                pin.Free();
            }
        }
    }

    public void Dispose()
    {
        threads.Dispose();
        foreach (var pointer in allocations)
        {
            NativeMemory.AlignedFree((void*)pointer);
        }

        allocations.Clear();
    }

    private static float* NetworkPointer(Parameter parameter) => Runtime.TensorMemory.Floats(parameter);

    /// <summary>The handles of the network parameters this engine trains (all of them, unless the network reads
    /// several inputs and this engine is one input's path).</summary>
    private HashSet<IntPtr> OwnedParameters()
    {
        var owned = new HashSet<IntPtr>();
        WithPinned(
            parameter =>
            {
                owned.Add(parameter.Handle);
                return new float[parameter.numel()];
            },
            locate => Transfer(parameters, locate, toTarget: true));
        return owned;
    }

    /// <summary>The network's parameter names by tensor handle.</summary>
    private Dictionary<IntPtr, string> ParameterNames() => TrainedParameters().ToDictionary(p => p.Parameter.Handle, p => p.Name);

    /// <summary>Every parameter a training run optimises, named as the trainer names them: the network's, then the
    /// weighting's learned ones (<c>weighting/i</c>), whichever path of a several-input model holds them.</summary>
    private (string Name, Parameter Parameter)[] TrainedParameters() =>
        [.. network.named_parameters().Select(p => (p.name, p.parameter)), .. weighting.Parameters.Select((p, i) => ($"weighting/{i}", p))];

    /// <summary>Copies between a flat buffer in the engine's layout (<paramref name="flatBase"/>: parameters or
    /// momentum) and buffers in the network's layout, one per parameter (<paramref name="locate"/>).</summary>
    private void Transfer(float* flatBase, ParameterLocator locate, bool toTarget)
    {
        void Copy(float* target, float* flat, long count) => FlatWeights.Copy(target, flat, count, toTarget);

        foreach (var stage in convolutions)
        {
            // The flat buffer holds the kernel as [(row, column, input channel), output channel]; the module as
            // [output channel, input channel, (row,) column].
            var shape = stage.Shape;
            var weight = locate(stage.Layer.Weight);
            var flat = flatBase + stage.WeightOffset;
            int kh = shape.KernelHeight, kw = ConvolutionGeometry.KernelWidth, cin = shape.InChannels, cout = shape.OutChannels;
            for (var o = 0; o < cout; o++)
            {
                for (var i = 0; i < cin; i++)
                {
                    for (var dy = 0; dy < kh; dy++)
                    {
                        for (var dx = 0; dx < kw; dx++)
                        {
                            var module = ((((long)o * cin) + i) * kh + dy) * kw + dx;
                            var engine = ((((long)dy * kw) + dx) * cin + i) * cout + o;
                            if (toTarget)
                            {
                                weight[module] = flat[engine];
                            }
                            else
                            {
                                flat[engine] = weight[module];
                            }
                        }
                    }
                }
            }

            Copy(locate(stage.Layer.Bias), flatBase + stage.BiasOffset, cout);
        }

        for (var l = 0; l < layers.Length; l++)
        {
            FlatWeights.CopyTransposed(locate(layers[l].weight!), flatBase + weightOffsets[l], widths[l], widths[l + 1], widths[l + 1], toTarget);
            Copy(locate(layers[l].bias!), flatBase + biasOffsets[l], widths[l + 1]);
        }

        mixture?.Transfer(flatBase, locate, toTarget);
        var weightingValue = flatBase + weightingOffset;
        foreach (var parameter in weightingParameters)
        {
            Copy(locate(parameter), weightingValue, parameter.numel());
            weightingValue += parameter.numel();
        }

        // The task blocks hold layer l as [tasks, in, out]: slice t is task t's [in, out], the engine's own layout; the
        // first layer's slices become columns of one [h, all tasks' widths] matrix.
        var h = taskInputWidth;
        foreach (var head in heads)
        {
            var (weight, bias, slice) = network.TaskLayerOf(head.Task.Name, 0);
            var w = locate(weight) + ((long)slice * h * head.FirstWidth);
            for (var r = 0; r < h; r++)
            {
                Copy(w + ((long)r * head.FirstWidth), flatBase + firstWeightOffset + ((long)r * firstWidth) + head.FirstOffset, head.FirstWidth);
            }

            Copy(locate(bias) + ((long)slice * head.FirstWidth), flatBase + firstBiasOffset + head.FirstOffset, head.FirstWidth);
            for (var l = 1; l < taskLevels; l++)
            {
                var level = head.Levels[l - 1];
                var (levelWeight, levelBias, levelSlice) = network.TaskLayerOf(head.Task.Name, l);
                Copy(locate(levelWeight) + ((long)levelSlice * level.InWidth * level.OutWidth), flatBase + level.WeightOffset, (long)level.InWidth * level.OutWidth);
                Copy(locate(levelBias) + ((long)levelSlice * level.OutWidth), flatBase + level.BiasOffset, level.OutWidth);
            }
        }
    }

    private float* Allocate(long count)
    {
        var bytes = (nuint)(Math.Max(count, 1) * sizeof(float));
        var pointer = (float*)NativeMemory.AlignedAlloc(bytes, 64);
        allocations.Add((IntPtr)pointer);
        NativeMemory.Clear(pointer, bytes); // Adam's moments start at zero
        return pointer;
    }

    /// <summary>The batch's samples: a pointer into the prepared features when the rows are consecutive, else a copy.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private float* Gather(BatchRows rows)
    {
        var order = rows.Order;
        var first = order[rows.Start];
        var consecutive = true;
        for (var i = 1; i < rows.Length && consecutive; i++)
        {
            consecutive = order[rows.Start + i] == first + i;
        }

        if (consecutive)
        {
            return features + (first * featureWidth);
        }

        var bytes = (long)featureWidth * sizeof(float);
        for (var i = 0; i < rows.Length; i++)
        {
            Buffer.MemoryCopy(features + (order[rows.Start + i] * featureWidth), gathered + ((long)i * featureWidth), bytes, bytes);
        }

        return gathered;
    }

    /// <summary>Trunk layers then all heads in one product; returns the shared representation.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private float* Forward(float* x, int batch)
    {
        var previous = convolutions.Length > 0 ? ConvolutionsForward(x, batch) : x;
        for (var l = 0; l < layers.Length; l++)
        {
            int inWidth = widths[l], outWidth = widths[l + 1];
            var a = activations[l];
            var z = preActivations[l];
            VectorMath.BroadcastRows(parameters + biasOffsets[l], outWidth, z, batch);
            Sgemm.Multiply(false, false, batch, outWidth, inWidth, 1, previous, inWidth, parameters + weightOffsets[l], outWidth, 1, z, outWidth, threads);
            FusedActivation.Forward(layerActivations[l], z, a, (long)batch * outWidth);
            layerDropouts[l]?.Forward(network.DropoutMasks, a, dropoutMasks[l], droppedActivations[l], batch, outWidth, outWidth);
            previous = droppedActivations[l];
        }

        // The first task layer of every task in one product (from each task's own mixture of experts: one product per
        // task), then each task's tower levels and head.
        var h = taskInputWidth;
        VectorMath.BroadcastRows(parameters + firstBiasOffset, firstWidth, firstOutputs, batch);
        if (mixture is null)
        {
            Sgemm.Multiply(false, false, batch, firstWidth, h, 1, previous, h, parameters + firstWeightOffset, firstWidth, 1, firstOutputs, firstWidth, threads);
        }
        else
        {
            mixture.Forward(previous, batch);
            for (var t = 0; t < heads.Length; t++)
            {
                var head = heads[t];
                Sgemm.Multiply(false, false, batch, head.FirstWidth, h, 1, mixture.Mixed + (t * h), heads.Length * h, parameters + firstWeightOffset + head.FirstOffset, firstWidth, 1, firstOutputs + head.FirstOffset, firstWidth, threads);
            }
        }

        for (var l = 1; l < taskLevels; l++)
        {
            FusedActivation.Forward(towerActivation, towerPreActivations[l - 1], towerOutputs[l - 1], (long)batch * towerWidths[l - 1]);
            foreach (var head in heads)
            {
                var columns = head.Levels[l - 1];
                towerDropouts[head.LayoutIndex][l - 1]?.Forward(network.DropoutMasks, towerOutputs[l - 1] + columns.InputOffset, towerMasks[l - 1] + columns.InputOffset, towerDropped[l - 1] + columns.InputOffset, batch, columns.InWidth, towerWidths[l - 1]);
            }
            var last = l == taskLevels - 1;
            var output = last ? headOutputs : towerPreActivations[l];
            var outputStride = last ? headWidth : towerWidths[l];
            var input = towerDropped[l - 1];
            var inputStride = towerWidths[l - 1];
            if (smallLevels[l - 1] is { } small)
            {
                ForEachTaskRange(small, (layers, scratch) => SmallProducts.Forward(layers, batch, input, inputStride, parameters, output, outputStride, (float*)scratch));
                continue;
            }

            foreach (var head in heads)
            {
                var level = head.Levels[l - 1];
                var target = output + level.OutputOffset;
                VectorMath.BroadcastRows(parameters + level.BiasOffset, level.OutWidth, target, batch, outputStride);
                Sgemm.Multiply(false, false, batch, level.OutWidth, level.InWidth, 1, input + level.InputOffset, inputStride, parameters + level.WeightOffset, level.OutWidth, 1, target, outputStride, threads);
            }
        }

        return previous;
    }

    /// <summary>Back-propagates the heads' gradients through each task's tower levels down to the first task layer's
    /// outputs (<see cref="firstGradients"/>); the tower and head parameters' gradients go to <see cref="gradients"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void TowersBackward(int batch)
    {
        for (var l = taskLevels - 1; l >= 1; l--)
        {
            var last = l == taskLevels - 1;
            var outputGradient = last ? headGradients : towerGradients[l];
            var outputStride = last ? headWidth : towerWidths[l];
            var inputStride = towerWidths[l - 1];
            if (smallLevels[l - 1] is { } small)
            {
                var inputs = towerDropped[l - 1];
                var inputGradients = towerGradients[l - 1];
                ForEachTaskRange(small, (layers, scratch) =>
                {
                    SmallProducts.WeightGradient(layers, batch, inputs, inputStride, outputGradient, outputStride, gradients, (float*)scratch);
                    SmallProducts.InputGradient(layers, batch, outputGradient, outputStride, parameters, inputGradients, inputStride, (float*)scratch);
                });
            }

            foreach (var head in smallLevels[l - 1] is null ? heads : [])
            {
                var level = head.Levels[l - 1];
                var dz = outputGradient + level.OutputOffset;
                var input = towerDropped[l - 1] + level.InputOffset;
                Sgemm.Multiply(true, false, level.InWidth, level.OutWidth, batch, 1, input, inputStride, dz, outputStride, 0, gradients + level.WeightOffset, level.OutWidth, threads);
                VectorMath.ColumnSums(dz, batch, level.OutWidth, outputStride, gradients + level.BiasOffset);
                Sgemm.Multiply(false, true, batch, level.InWidth, level.OutWidth, 1, dz, outputStride, parameters + level.WeightOffset, level.OutWidth, 0, towerGradients[l - 1] + level.InputOffset, inputStride, threads);
            }

            if (towerMasks[l - 1] != null)
            {
                FusedDropout.Backward(towerGradients[l - 1], towerMasks[l - 1], batch, inputStride, inputStride);
            }

            FusedActivation.Backward(towerActivation, towerGradients[l - 1], towerPreActivations[l - 1], towerOutputs[l - 1], (long)batch * inputStride);
        }
    }

    /// <summary>Runs <paramref name="body"/>(a contiguous range of the level's layers, the thread's scratch) once per
    /// kernel thread, the tasks split among them (each task's results are the same whichever thread computes them).</summary>
    private void ForEachTaskRange(SmallLayer[] layers, SmallLayerRange body)
    {
        var parts = Math.Min(threads.Active, layers.Length);
        threads.Run(parts, part =>
        {
            var first = ChunkStart(layers.Length, part, parts);
            body(layers.AsSpan(first, ChunkStart(layers.Length, part + 1, parts) - first), (IntPtr)(smallScratch + (part * smallScratchLength)));
        });
    }

    /// <summary>The work of one kernel thread on its layers (see <see cref="ForEachTaskRange"/>).</summary>
    private delegate void SmallLayerRange(ReadOnlySpan<SmallLayer> layers, IntPtr scratch);

    /// <summary>Runs <paramref name="body"/>(first sample, count) over the batch split among the kernel threads.</summary>
    private void ForSampleRanges(int batch, Action<int, int> body) => ForSampleRanges(batch, (_, first, count) => body(first, count));

    /// <summary>Runs <paramref name="body"/>(part, first sample, count) over the batch split into one contiguous part
    /// per kernel thread; returns the number of parts.</summary>
    private int ForSampleRanges(int batch, Action<int, int, int> body)
    {
        var parts = Math.Min(threads.Active, batch);
        threads.Run(parts, part =>
        {
            var first = ChunkStart(batch, part, parts);
            body(part, first, ChunkStart(batch, part + 1, parts) - first);
        });
        return parts;
    }

    /// <summary>As <see cref="ForSampleRanges(int, Action{int, int, int})"/>, each thread's part taken
    /// <paramref name="samplesPerChunk"/> samples at a time: <paramref name="body"/>(part, first sample, count, whether
    /// it is the part's first chunk).</summary>
    private int ForSampleChunks(int batch, int samplesPerChunk, Action<int, int, int, bool> body) => ForSampleRanges(batch, (part, first, count) =>
    {
        for (var start = first; start < first + count; start += samplesPerChunk)
        {
            body(part, start, Math.Min(samplesPerChunk, first + count - start), start == first);
        }
    });

    /// <summary>The first sample of part <paramref name="part"/> of <paramref name="parts"/> over the batch.</summary>
    private static int ChunkStart(int batch, int part, int parts) => (int)((long)batch * part / parts);

    /// <summary>The convolution blocks: per block, unfold, one product with the bias preset, max-pool then ReLU; returns
    /// the last block's output flattened channels-first (the first dense layer's input).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private float* ConvolutionsForward(float* x, int batch)
    {
        var head = convolutions[0];
        var input = channelsLast;
        if (head.Direct)
        {
            var padded = DirectConvolution.PaddedSampleLength(head.Shape);
            ForSampleRanges(batch, (first, count) => DirectConvolution.PadChannelsLast(x + ((long)first * featureWidth), count, head.Shape, head.Padded + (first * padded)));
        }
        else
        {
            ConvolutionKernels.ToChannelsLast(x, batch, head.Shape.InChannels, head.Shape.Height * head.Shape.Width, channelsLast);
        }

        foreach (var stage in convolutions)
        {
            var shape = stage.Shape;
            var positions = batch * shape.Height * shape.Width;
            var unfolded = shape.UnfoldedWidth;
            var samplePositions = shape.Height * shape.Width;
            var inputSize = samplePositions * shape.InChannels;
            var outputSize = samplePositions * shape.OutChannels;
            if (stage.Direct)
            {
                var padded = DirectConvolution.PaddedSampleLength(shape);
                ForSampleRanges(batch, (first, count) => DirectConvolution.Forward(
                    stage.Padded + (first * padded), count, shape, parameters + stage.WeightOffset, parameters + stage.BiasOffset, stage.Outputs + ((long)first * outputSize)));
            }
            else
            {
                // Each thread unfolds a few samples at a time into its own cache-sized buffer and multiplies them, so the
                // unfolded matrix (9·C values per output position) is never written out whole.
                var from = input;
                stage.Input = input;
                ForSampleChunks(batch, stage.SamplesPerChunk, (chunk, first, count, _) =>
                {
                    var columns = columnChunks + (chunk * columnChunkLength);
                    var rows = count * samplePositions;
                    var output = stage.Outputs + ((long)first * outputSize);
                    ConvolutionKernels.Unfold(from + ((long)first * inputSize), count, shape, columns);
                    VectorMath.BroadcastRows(parameters + stage.BiasOffset, shape.OutChannels, output, rows);
                    Sgemm.Multiply(false, false, rows, shape.OutChannels, unfolded, 1, columns, unfolded, parameters + stage.WeightOffset, shape.OutChannels, 1, output, shape.OutChannels);
                });
            }

            var pooledSize = shape.PooledHeight * shape.PooledWidth * shape.OutChannels;
            ForSampleRanges(batch, (first, count) => ConvolutionKernels.MaxPoolRelu(stage.Outputs + ((long)first * outputSize), count, shape, stage.Pooled + ((long)first * pooledSize)));
            input = stage.Pooled;
        }

        var last = convolutions[^1].Shape;
        ConvolutionKernels.ToChannelsFirst(input, batch, last.OutChannels, last.PooledHeight * last.PooledWidth, flattened);
        return flattened;
    }

    /// <summary>Back-propagates the gradient of the flattened convolution output (channels-first, [batch, width])
    /// through the convolution blocks; the parameter gradients go to <paramref name="target"/> (shared layout).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void ConvolutionsBackward(float* flattenedGradient, int batch, float* target)
    {
        var last = convolutions[^1].Shape;
        float* pooledGradient = poolGradientA, spare = poolGradientB;
        ConvolutionKernels.ToChannelsLast(flattenedGradient, batch, last.OutChannels, last.PooledHeight * last.PooledWidth, pooledGradient);
        for (var c = convolutions.Length - 1; c >= 0; c--)
        {
            var stage = convolutions[c];
            var shape = stage.Shape;
            var positions = batch * shape.Height * shape.Width;
            var unfolded = shape.UnfoldedWidth;
            var outputSize = shape.Height * shape.Width * shape.OutChannels;
            var pooledSize = shape.PooledHeight * shape.PooledWidth * shape.OutChannels;
            var inputSize = shape.Height * shape.Width * shape.InChannels;
            var pooled = pooledGradient;
            ForSampleRanges(batch, (first, count) => ConvolutionKernels.MaxPoolReluBackward(
                stage.Outputs + ((long)first * outputSize), stage.Pooled + ((long)first * pooledSize), pooled + ((long)first * pooledSize), count, shape, convolutionOutputGradient + ((long)first * outputSize)));
            var weightLength = (long)unfolded * shape.OutChannels;
            var samplePositions = shape.Height * shape.Width;
            int chunks;
            if (stage.Direct)
            {
                var padded = DirectConvolution.PaddedSampleLength(shape);
                chunks = ForSampleRanges(batch, (chunk, first, count) =>
                {
                    var outputGradient = convolutionOutputGradient + ((long)first * outputSize);
                    DirectConvolution.WeightGradient(stage.Padded + (first * padded), outputGradient, count, shape, stage.WeightGradientParts + (chunk * weightLength));
                    VectorMath.ColumnSums(outputGradient, count * samplePositions, shape.OutChannels, stage.BiasGradientParts + (chunk * shape.OutChannels));
                });
            }
            else
            {
                // As in the forward pass, a few samples at a time: unfold them again, add their share of the weight and
                // bias gradients to this thread's part, then (below the first block) turn the same buffer into the
                // gradient of their unfolded rows and fold it back onto the block's input gradient.
                var foldTarget = spare;
                var input = stage.Input;
                chunks = ForSampleChunks(batch, stage.SamplesPerChunk, (chunk, first, count, firstOfPart) =>
                {
                    var columns = columnChunks + (chunk * columnChunkLength);
                    var rows = count * samplePositions;
                    var outputGradient = convolutionOutputGradient + ((long)first * outputSize);
                    var weightPart = stage.WeightGradientParts + (chunk * weightLength);
                    var biasPart = stage.BiasGradientParts + (chunk * shape.OutChannels);
                    ConvolutionKernels.Unfold(input + ((long)first * inputSize), count, shape, columns);
                    Sgemm.Multiply(true, false, unfolded, shape.OutChannels, rows, 1, columns, unfolded, outputGradient, shape.OutChannels, firstOfPart ? 0 : 1, weightPart, shape.OutChannels);
                    VectorMath.ColumnSums(outputGradient, rows, shape.OutChannels, shape.OutChannels, biasPart, accumulate: !firstOfPart);
                    if (c > 0)
                    {
                        Sgemm.Multiply(false, true, rows, unfolded, shape.OutChannels, 1, outputGradient, shape.OutChannels, parameters + stage.WeightOffset, shape.OutChannels, 0, columns, unfolded);
                        ConvolutionKernels.Fold(columns, count, shape, foldTarget + ((long)first * inputSize));
                    }
                });
                if (c > 0)
                {
                    var swap = pooledGradient;
                    pooledGradient = spare;
                    spare = swap;
                }
            }

            SumParts(stage.WeightGradientParts, chunks, weightLength, target + stage.WeightOffset);
            SumParts(stage.BiasGradientParts, chunks, shape.OutChannels, target + stage.BiasOffset);
        }
    }

    /// <summary>target ← the sum of <paramref name="parts"/> consecutive buffers of <paramref name="length"/> floats,
    /// in order.</summary>
    private static void SumParts(float* parts, int count, long length, float* target)
    {
        Buffer.MemoryCopy(parts, target, length * sizeof(float), length * sizeof(float));
        for (var part = 1; part < count; part++)
        {
            VectorMath.Add(parts + (part * length), target, length);
        }
    }

    /// <summary>Per-task mean losses over labelled rows and dL/dz of the weighted total Σ α_t L_t into <see cref="headGradients"/>.
    /// Row by row, every task of a row in turn: the rows of the outputs, targets and masks are read in memory order,
    /// which matters once thousands of tasks make a row tens of kilobytes. Each task's count and loss are summed over
    /// the rows in row order, as a task-by-task pass would sum them.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private double LossGradients(BatchRows rows, int batch, float[] losses, float[] counts)
    {
        var labelled = headCounts;
        var sums = headLossSums;
        Array.Clear(labelled);
        Array.Clear(sums);
        for (var i = 0; i < batch; i++)
        {
            var mask = present + (rows.Order[rows.Start + i] * presentWidth);
            for (var h = 0; h < heads.Length; h++)
            {
                labelled[h] += mask[heads[h].LayoutIndex];
            }
        }

        for (var i = 0; i < batch; i++)
        {
            var row = rows.Order[rows.Start + i];
            var mask = present + (row * presentWidth);
            var target = targets + (row * targetWidth);
            var outputs = headOutputs + ((long)i * headWidth);
            var outputGradients = headGradients + ((long)i * headWidth);
            new Span<float>(outputGradients, headWidth).Clear(); // an unlabelled task's gradient is zero
            for (var h = 0; h < heads.Length; h++)
            {
                var head = heads[h];
                var m = mask[head.LayoutIndex];
                if (m == 0)
                {
                    continue;
                }

                var z = outputs + head.Offset;
                var dz = outputGradients + head.Offset;

                var scale = head.Alpha / MathF.Max(labelled[h], 1);
                var y = target + head.TargetOffset;
                sums[h] += m * head.Task.Loss switch
                {
                    LossKind.CrossEntropy => CrossEntropy(z, dz, head.Width, y[0], m * scale, head.Task.Name),
                    LossKind.BinaryCrossEntropyWithLogits => BinaryCrossEntropy(z, dz, head.Width, y, m * scale),
                    LossKind.MeanSquaredError => SquaredError(z, dz, head.Width, y, m * scale),
                    _ => throw new InvalidOperationException($"The fused engine does not implement the {head.Task.Loss} loss of task '{head.Task.Name}'."),
                };
            }
        }

        double total = 0;
        for (var h = 0; h < heads.Length; h++)
        {
            var head = heads[h];
            var loss = (float)(sums[h] / Math.Max(labelled[h], 1));
            losses[head.GlobalIndex] = loss;
            counts[head.GlobalIndex] = labelled[h];
            total += head.Alpha * loss;
        }

        return total;
    }

    /// <summary>Combines a step's losses (every input's) with the weighting (<see cref="LossWeightingState.Combine"/>),
    /// scales each task's output gradients in <paramref name="paths"/>, computed with weight 1, by its weight
    /// ∂Total/∂L_t, puts the gradient of the weighting's learned parameters into the first path (which holds them), and
    /// returns the total.</summary>
    internal static double WeighLosses(LossWeightingState weighting, IReadOnlyList<FusedEngine> paths, float[] losses, float[] counts)
    {
        using var scope = NewDisposeScope();
        paths[0].LoadWeightingParameters();
        var weighted = weighting.Combine(tensor(losses), tensor(counts.Select(c => c > 0 ? 1f : 0f).ToArray()));
        var weights = weighted.TaskWeights.cpu().data<float>().ToArray();
        foreach (var path in paths)
        {
            path.ScaleTaskGradients(weights);
        }

        paths[0].StoreWeightingGradients(weighted);
        return weighted.Total.cpu().item<float>();
    }

    /// <summary>Writes the weighting's learned parameters from the flat buffer into their tensors, for
    /// <see cref="LossWeightingState.Combine"/> (nothing when this path does not hold them).</summary>
    private void LoadWeightingParameters()
    {
        var value = parameters + weightingOffset;
        foreach (var parameter in weightingParameters)
        {
            FlatWeights.Copy(NetworkPointer(parameter), value, parameter.numel(), toModule: true);
            value += parameter.numel();
        }
    }

    /// <summary>The gradients of the weighted total with respect to the weighting's learned parameters (the losses
    /// being constants here), into the flat gradient buffer (nothing when this path does not hold them).</summary>
    private void StoreWeightingGradients(WeightedLoss weighted)
    {
        if (weightingParameters.Count == 0)
        {
            return;
        }

        weighted.Total.backward();
        var gradient = gradients + weightingOffset;
        foreach (var parameter in weightingParameters)
        {
            using (var value = parameter.grad!.contiguous())
            {
                FlatWeights.Copy(Runtime.TensorMemory.Floats(value), gradient, parameter.numel(), toModule: false);
            }

            parameter.grad = null;
            gradient += parameter.numel();
        }
    }

    /// <summary>Scales each task's output gradients of the current batch, computed with weight 1, by its weight
    /// (<paramref name="weights"/>, in the trainer's task order).</summary>
    private void ScaleTaskGradients(float[] weights)
    {
        for (var i = 0; i < currentBatch; i++)
        {
            foreach (var head in heads)
            {
                VectorMath.Scale(weights[head.GlobalIndex], headGradients + ((long)i * headWidth) + head.Offset, head.Width);
            }
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static double CrossEntropy(float* z, float* dz, int width, float label, float scale, string task)
    {
        var y = (int)label;
        if (y < 0 || y >= width)
        {
            throw new InvalidOperationException($"Task '{task}': class index {label} is outside 0..{width - 1}.");
        }

        var max = z[0];
        for (var c = 1; c < width; c++)
        {
            max = MathF.Max(max, z[c]);
        }

        double sum = 0;
        for (var c = 0; c < width; c++)
        {
            var e = MathF.Exp(z[c] - max);
            dz[c] = e;
            sum += e;
        }

        var inverse = (float)(1 / sum);
        for (var c = 0; c < width; c++)
        {
            dz[c] = ((dz[c] * inverse) - (c == y ? 1 : 0)) * scale;
        }

        return max + Math.Log(sum) - z[y];
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static double BinaryCrossEntropy(float* z, float* dz, int width, float* y, float scale)
    {
        double loss = 0;
        for (var c = 0; c < width; c++)
        {
            var v = z[c];
            loss += MathF.Max(v, 0) - (v * y[c]) + MathF.Log(1 + MathF.Exp(-MathF.Abs(v)));
            dz[c] = ((1 / (1 + MathF.Exp(-v))) - y[c]) * scale / width;
        }

        return loss / width;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static double SquaredError(float* z, float* dz, int width, float* y, float scale)
    {
        double loss = 0;
        for (var c = 0; c < width; c++)
        {
            var d = z[c] - y[c];
            loss += d * d;
            dz[c] = 2 * d * scale / width;
        }

        return loss / width;
    }

    /// <summary>Back-propagates <paramref name="taskCount"/> stacked representation gradients [K, B, h] (in
    /// <see cref="backwardA"/>) through the trunk; task k's parameter gradients go to
    /// <paramref name="target"/> + k·<paramref name="stride"/> (shared layout).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void TrunkBackward(float* x, int batch, int taskCount, float* target, long stride)
    {
        float* current = backwardA, other = backwardB;
        for (var l = layers.Length - 1; l >= 0; l--)
        {
            int inWidth = widths[l], outWidth = widths[l + 1];
            var a = activations[l];
            var previous = l > 0 ? droppedActivations[l - 1] : convolutions.Length > 0 ? flattened : x;
            var block = (long)batch * outWidth;
            for (var k = 0; k < taskCount; k++)
            {
                var dz = current + (k * block);
                if (dropoutMasks[l] != null)
                {
                    FusedDropout.Backward(dz, dropoutMasks[l], batch, outWidth, outWidth);
                }

                FusedActivation.Backward(layerActivations[l], dz, preActivations[l], a, block);
                Sgemm.Multiply(true, false, inWidth, outWidth, batch, 1, previous, inWidth, dz, outWidth, 0, target + (k * stride) + weightOffsets[l], outWidth, threads);
                VectorMath.ColumnSums(dz, batch, outWidth, target + (k * stride) + biasOffsets[l]);
            }

            if (l > 0 || convolutions.Length > 0)
            {
                Sgemm.Multiply(false, true, taskCount * batch, inWidth, outWidth, 1, current, outWidth, parameters + weightOffsets[l], outWidth, 0, other, inWidth, threads);
                var swap = current;
                current = other;
                other = swap;
            }
        }

        for (var k = 0; k < taskCount && convolutions.Length > 0; k++)
        {
            ConvolutionsBackward(current + ((long)k * batch * widths[0]), batch, target + (k * stride));
        }
    }

    /// <summary>Per-task gradients (of the parameters or of the representation), their Gram matrix, the aggregator's
    /// task weights, and the combined gradient of the shared parameters.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void AggregatedBackward(float* x, int batch, float[] losses, float[] counts)
    {
        var h = widths[^1];
        var presentHeads = heads.Where(head => counts[head.GlobalIndex] > 0).ToArray();
        var k = presentHeads.Length;
        var representationBlock = (long)batch * h;
        var perTask = options.AggregationSpace == AggregationSpace.SharedParameters ? backwardA : representationGradients;
        for (var i = 0; i < k; i++)
        {
            var head = presentHeads[i];
            Sgemm.Multiply(
                false, true, batch, h, head.FirstWidth, 1, firstGradients + head.FirstOffset, firstWidth,
                parameters + firstWeightOffset + head.FirstOffset, firstWidth, 0, perTask + (i * representationBlock), h, threads);
        }

        var gram = new double[k, k];
        var space = options.AggregationSpace == AggregationSpace.SharedParameters ? taskGradients : representationGradients;
        var length = options.AggregationSpace == AggregationSpace.SharedParameters ? sharedLength : representationBlock;
        if (options.AggregationSpace == AggregationSpace.SharedParameters && k > 0)
        {
            TrunkBackward(x, batch, k, taskGradients, sharedLength);
        }

        for (var i = 0; i < k; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                gram[i, j] = gram[j, i] = VectorMath.Dot(space + (i * length), space + (j * length), length);
            }
        }

        var context = new AggregationContext(random, presentHeads.Select(head => (double)losses[head.GlobalIndex]).ToArray(), presentHeads.Select(head => head.Task.Name).ToArray());
        var weights = k == 0 ? [] : aggregator!.Weights(gram, context);
        if (options.AggregationSpace == AggregationSpace.SharedParameters)
        {
            new Span<float>(gradients, checked((int)sharedLength)).Clear();
            for (var i = 0; i < k; i++)
            {
                VectorMath.MultiplyAdd((float)weights[i], taskGradients + (i * sharedLength), gradients, sharedLength);
            }

            return;
        }

        new Span<float>(backwardA, checked((int)representationBlock)).Clear();
        for (var i = 0; i < k; i++)
        {
            VectorMath.MultiplyAdd((float)weights[i], representationGradients + (i * representationBlock), backwardA, representationBlock);
        }

        TrunkBackward(x, batch, 1, gradients, 0);
    }

    /// <summary>One convolution block: where its parameters sit in the flat buffers, and the buffers the forward pass
    /// fills for the backward pass (unfolded or padded input, convolution output before ReLU, pooled output after ReLU).</summary>
    private sealed class ConvolutionStage(ConvolutionLayer layer, long weightOffset, long biasOffset, bool direct)
    {
        /// <summary>Whether the convolution is computed directly from padded samples (<see cref="DirectConvolution"/>)
        /// rather than unfolded and multiplied.</summary>
        public bool Direct { get; } = direct;

        /// <summary>The zero-padded channels-last input of a direct convolution.</summary>
        public float* Padded { get; set; }

        /// <summary>Per-thread parts of the weight gradient.</summary>
        public float* WeightGradientParts { get; set; }

        /// <summary>Per-thread parts of the bias gradient.</summary>
        public float* BiasGradientParts { get; set; }

        /// <summary>Samples unfolded at a time: as many as fit in about 384 KiB of unfolded rows (at least one).</summary>
        public int SamplesPerChunk => Math.Max(1, 98_304 / (Shape.Height * Shape.Width * Shape.UnfoldedWidth));

        /// <summary>The block's channels-last input in the current step (for unfolding it again in the backward pass).</summary>
        public float* Input { get; set; }

        public ConvolutionLayer Layer { get; } = layer;

        public ConvolutionGeometry Shape => Layer.Geometry;

        public long WeightOffset { get; } = weightOffset;

        public long BiasOffset { get; } = biasOffset;


        public float* Outputs { get; set; }

        public float* Pooled { get; set; }
    }

    /// <summary>One task's place in the engine: its head outputs' columns (<paramref name="Offset"/>,
    /// <paramref name="Width"/>), its columns of the first task layer, and its tower levels after that.</summary>
    private sealed record HeadTask(TaskDefinition Task, int LayoutIndex, int GlobalIndex, int Offset, int Width, int TargetOffset, float Alpha, int FirstOffset, int FirstWidth, TowerLevel[] Levels);

    /// <summary>Layer l ≥ 1 of one task's layers: its parameters in the flat buffers ([in, out] and [out]) and the
    /// columns it reads (of tower level l − 1) and writes (of tower level l, or of the head outputs).</summary>
    private sealed record TowerLevel(long WeightOffset, long BiasOffset, int InWidth, int OutWidth, int InputOffset, int OutputOffset);
}
