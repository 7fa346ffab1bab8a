using MultitaskLearning.Graphs;
using MultitaskLearning.Tasks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MultitaskLearning.Models;

/// <summary>
/// The TorchSharp module of a multitask model. For one input kind, <see cref="Forward"/> maps a batch of samples to the
/// outputs of every task that reads that input (logits for classification, standardised values for regression), laid
/// out as in <see cref="LayoutOf"/>. Shared parameters (encoders, trunk) and each task's own parameters are reported
/// separately so trainers can treat them differently.
/// </summary>
/// <remarks>Whoever creates the network disposes it; <see cref="MultitaskModel"/> owns the network it holds.</remarks>
public sealed class MultitaskNetwork : nn.Module
{
    private readonly ModuleDict<InputEncoder> encoders;
    private readonly ModuleDict<InputEncoder> taskEncoders;
    private readonly ModuleDict<DenseStack> trunks;
    private readonly ModuleDict<ExpertMixture> mixtures;
    private readonly ModuleDict<CrossStitchColumns> columns;
    private readonly ModuleDict<TaskBlock> taskBlocks;
    private readonly Dictionary<string, int> blockOfTask = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int[]> blocksOfInput = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Tensor> outputOrder = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OutputLayout> layouts;
    private readonly Activation activation;
    private readonly LayerDropout dropout;
    private readonly LayerDescription[] hiddenLayers;

    /// <summary>The dropout keys of each task block's hidden layers, by block and layer.</summary>
    private readonly Dictionary<int, int[]> blockDropoutKeys = [];

    /// <summary>Creates a randomly initialised network for a definition (seed the initialisation with <c>torch.manual_seed</c>).</summary>
    /// <param name="definition">The model definition.</param>
    /// <param name="device">The device of the parameters; <see langword="null"/> for the CPU.</param>
    public MultitaskNetwork(MultitaskModelDefinition definition, Device? device = null)
        : base("multitask")
    {
        ArgumentNullException.ThrowIfNull(definition);
        Runtime.TorchBackend.EnsureAvailable();
        Definition = definition;
        device ??= CPU;
        var architecture = definition.Architecture;
        activation = architecture.Activation;
        DropoutMasks = new DropoutMasks();
        dropout = new LayerDropout(architecture.Dropout, DropoutMasks);
        hiddenLayers = [.. DenseStack.HiddenLayers(0, activation, dropout)];
        encoders = new ModuleDict<InputEncoder>();
        taskEncoders = new ModuleDict<InputEncoder>();
        trunks = new ModuleDict<DenseStack>();
        mixtures = new ModuleDict<ExpertMixture>();
        columns = new ModuleDict<CrossStitchColumns>();
        taskBlocks = new ModuleDict<TaskBlock>();
        layouts = new Dictionary<string, OutputLayout>(StringComparer.Ordinal);

        var shared = definition.Family != ModelFamily.TaskSpecific;
        var trunkInput = 0;
        foreach (var input in definition.Inputs)
        {
            layouts[input.Name] = new OutputLayout(input.Name, definition.TasksOf(input.Name));
            if (shared)
            {
                encoders.Add(input.Name, InputEncoder.Create(input, activation, dropout));
                trunkInput = input.EncodedSize;
            }
        }

        var trunkOutput = trunkInput;
        var mixtureFamily = definition.Family is ModelFamily.Mmoe or ModelFamily.Cgc;
        if (mixtureFamily)
        {
            var mixture = new ExpertMixture(
                definition.Tasks, trunkInput, architecture.TrunkLayers, architecture.Experts,
                definition.Family == ModelFamily.Cgc ? architecture.TaskExperts : 0, activation, dropout);
            trunkOutput = mixture.OutputSize;
            mixtures.Add("experts", mixture);
        }
        else if (definition.Family == ModelFamily.CrossStitch)
        {
            foreach (var input in definition.Inputs)
            {
                var stitched = new CrossStitchColumns(layouts[input.Name].Tasks.Count, input.EncodedSize, architecture.TrunkLayers, device);
                trunkOutput = stitched.OutputSize;
                columns.Add(input.Name, stitched);
                stitched.DropoutKeys = NewDropoutKeys(architecture.TrunkLayers.Count);
            }
        }
        else if (shared)
        {
            var trunk = new DenseStack("trunk", trunkInput, architecture.TrunkLayers, activation, dropout);
            trunkOutput = trunk.OutputSize;
            trunks.Add("shared", trunk);
        }

        for (var b = 0; b < definition.TaskBlocks.Count; b++)
        {
            var blockTasks = definition.TaskBlocks[b].Select(definition.GetTask).ToArray();
            var input = definition.InputOf(blockTasks[0].Name);
            List<int> sizes = definition.Family switch
            {
                ModelFamily.SharedTrunk => [trunkOutput],
                ModelFamily.Hybrid or ModelFamily.Mmoe or ModelFamily.Cgc or ModelFamily.CrossStitch => [trunkOutput, .. architecture.TowerLayers],
                ModelFamily.TaskSpecific when input.Encoder == EncoderKind.Convolutional => [input.EncodedSize, .. architecture.TrunkLayers],
                ModelFamily.TaskSpecific when input.Encoder == EncoderKind.Dense => [input.SampleSize, .. input.EncoderLayers, .. architecture.TrunkLayers],
                _ => throw new ArgumentOutOfRangeException(nameof(definition), $"Unknown model family {definition.Family} or encoder {input.Encoder}."),
            };
            if (definition.Family == ModelFamily.TaskSpecific && input.Encoder == EncoderKind.Convolutional)
            {
                // Convolutions cannot be stacked over tasks like dense layers: each task gets its own encoder module.
                foreach (var task in blockTasks)
                {
                    taskEncoders.Add(task.Name, InputEncoder.Create(input, activation, dropout));
                }
            }

            sizes.Add(blockTasks[0].OutputSize);
            taskBlocks.Add(BlockKey(b), new TaskBlock("block", blockTasks.Length, sizes, device));
            blockDropoutKeys[b] = NewDropoutKeys(sizes.Count - 2);
            foreach (var task in blockTasks)
            {
                blockOfTask[task.Name] = b;
            }
        }

        foreach (var input in definition.Inputs)
        {
            var layout = layouts[input.Name];
            var blocks = layout.Tasks.Select(t => blockOfTask[t.Name]).Distinct().ToArray();
            blocksOfInput[input.Name] = blocks;

            // Output columns come block by block; reorder them to the layout's task order when the two differ.
            var produced = blocks.SelectMany(b => definition.TaskBlocks[b]
                .SelectMany(name => Enumerable.Range(layout.Offsets[IndexIn(layout, name)], definition.GetTask(name).OutputSize))).ToArray();
            if (!produced.SequenceEqual(Enumerable.Range(0, layout.TotalWidth)))
            {
                var inverse = new long[produced.Length];
                for (var column = 0; column < produced.Length; column++)
                {
                    inverse[produced[column]] = column;
                }

                outputOrder[input.Name] = tensor(inverse, device: device);
            }
        }

        RegisterComponents();
        if (device.type != DeviceType.CPU)
        {
            this.to(device);
        }

        Device = device;
    }

    /// <summary>The definition the network was built from.</summary>
    public MultitaskModelDefinition Definition { get; }

    /// <summary>The masks of every dropout layer of the network; the trainer sets their seed and step.</summary>
    internal DropoutMasks DropoutMasks { get; }

    /// <summary>The device of the parameters.</summary>
    public Device Device { get; }

    /// <summary>Where each task's outputs sit in <see cref="Forward"/>'s result for an input.</summary>
    /// <param name="inputName">The input name.</param>
    /// <returns>The layout.</returns>
    public OutputLayout LayoutOf(string inputName) => layouts.TryGetValue(inputName, out var layout)
        ? layout
        : throw new KeyNotFoundException($"The model has no input '{inputName}'. Inputs: {string.Join(", ", layouts.Keys)}.");

    /// <summary>Computes the outputs of every task that reads <paramref name="inputName"/>.</summary>
    /// <param name="inputName">The input name.</param>
    /// <param name="input">A batch [B, sample shape…] of preprocessed samples, on <see cref="Device"/>.</param>
    /// <returns>A new tensor [B, total width] that the caller owns (or that the current dispose scope collects).</returns>
    public Tensor Forward(string inputName, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var layout = LayoutOf(inputName);
        if (Definition.Family == ModelFamily.TaskSpecific)
        {
            var convolutional = taskEncoders.Count > 0 && taskEncoders.ContainsKey(layout.Tasks[0].Name);
            return ApplyBlocks(input.reshape(input.shape[0], -1), inputName, convolutional ? name => taskEncoders[name].Encode(input) : null);
        }

        var encoded = encoders[inputName].Encode(input);
        if (mixtures.Count > 0)
        {
            var mixture = mixtures["experts"];
            var experts = mixture.SharedOutputs(encoded);
            return ApplyBlocks(encoded, inputName, name => mixture.Mix(name, encoded, experts));
        }

        if (columns.Count > 0)
        {
            var keys = columns[inputName].DropoutKeys;
            var stitched = columns[inputName].Forward(encoded, (z, l) => Hidden(z, keys[l]));
            var index = layout.Tasks.Select((t, i) => (t.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
            return ApplyBlocks(encoded, inputName, name => stitched[index[name]]);
        }

        return ApplyBlocks(trunks["shared"].Forward(encoded), inputName, null);
    }

    /// <summary>Adds the ONNX operators of <see cref="Forward"/> in eval mode (dropout is the identity) to a graph.</summary>
    /// <param name="graph">The graph being built.</param>
    /// <param name="inputName">The input.</param>
    /// <param name="input">The graph value holding a batch [B, sample shape…] of preprocessed samples.</param>
    /// <returns>The graph value [B, total width] laid out as in <see cref="LayoutOf"/>.</returns>
    internal string ToOnnx(OnnxGraphBuilder graph, string inputName, string input)
    {
        var layout = LayoutOf(inputName);
        if (Definition.Family == ModelFamily.TaskSpecific)
        {
            var convolutional = taskEncoders.Count > 0 && taskEncoders.ContainsKey(layout.Tasks[0].Name);
            var flat = graph.Node("Flatten", [input], OnnxGraphBuilder.Int("axis", 1));
            return ApplyBlocksToOnnx(graph, flat, inputName, convolutional ? name => taskEncoders[name].ToOnnx(graph, input) : null);
        }

        var encoded = encoders[inputName].ToOnnx(graph, input);
        if (mixtures.Count > 0)
        {
            var mixture = mixtures["experts"];
            var experts = mixture.SharedOutputsToOnnx(graph, encoded);
            return ApplyBlocksToOnnx(graph, encoded, inputName, name => mixture.MixToOnnx(graph, name, encoded, experts));
        }

        if (columns.Count > 0)
        {
            var stitched = columns[inputName].ToOnnx(graph, encoded, z => HiddenToOnnx(graph, z));
            var index = layout.Tasks.Select((t, i) => (t.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
            return ApplyBlocksToOnnx(graph, encoded, inputName, name => graph.Node("Gather", [stitched, graph.Constant("column", [(long)index[name]])], OnnxGraphBuilder.Int("axis", 0)));
        }

        return ApplyBlocksToOnnx(graph, trunks["shared"].ToOnnx(graph, encoded), inputName, null);
    }

    /// <summary>The shared representation (trunk output) of a batch; not defined for the task-specific family.</summary>
    /// <param name="inputName">The input name.</param>
    /// <param name="input">A batch of preprocessed samples.</param>
    /// <returns>A new tensor [B, trunk width].</returns>
    public Tensor Represent(string inputName, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (Definition.Family is ModelFamily.TaskSpecific or ModelFamily.Mmoe or ModelFamily.Cgc or ModelFamily.CrossStitch)
        {
            throw new InvalidOperationException($"A {Definition.Family.ToName()} model has no single shared representation.");
        }

        _ = LayoutOf(inputName);
        return trunks["shared"].Forward(encoders[inputName].Encode(input));
    }

    /// <summary>The outputs of <see cref="Forward"/> together with the shared representation they were computed from, for
    /// taking gradients with respect to it; only for the shared-trunk and hybrid families.</summary>
    internal (Tensor Representation, Tensor Output) ForwardWithRepresentation(string inputName, Tensor input)
    {
        var representation = Represent(inputName, input);
        return (representation, ApplyBlocks(representation, inputName, null));
    }

    /// <summary>The parameters shared by all tasks (encoders and trunk); empty for the task-specific family.</summary>
    /// <returns>The parameters.</returns>
    public IReadOnlyList<Parameter> SharedParameters() =>
        encoders.parameters().Concat(trunks.parameters()).Concat(mixtures.Values.SelectMany(m => m.SharedParameters())).Concat(columns.parameters()).ToArray();

    /// <summary>The task-specific parameters (tower or network, and head) of the block that holds a task. A block
    /// stores the parameters of all its tasks stacked (see <see cref="MultitaskModelDefinition.TaskBlocks"/>); slice t of
    /// every tensor belongs to the block's task t alone.</summary>
    /// <param name="taskName">The task name.</param>
    /// <returns>The block's parameters.</returns>
    public IReadOnlyList<Parameter> TaskParameters(string taskName)
    {
        Definition.GetTask(taskName);
        var block = blockOfTask[taskName];
        var names = Definition.TaskBlocks[block];
        var encoderParameters = names.Where(taskEncoders.ContainsKey).SelectMany(name => taskEncoders[name].parameters());
        var mixtureParameters = mixtures.Values.SelectMany(m => names.SelectMany(m.TaskParameters));
        return taskBlocks[BlockKey(block)].parameters().Concat(encoderParameters).Concat(mixtureParameters).ToArray();
    }

    /// <summary>The layers applied to one input's samples, as built: the shared path to the representation and each
    /// task's own layers. The learned-sharing modules (experts, cross-stitch columns) appear as one layer each.</summary>
    /// <param name="inputName">The input.</param>
    internal NetworkDescription Describe(string inputName)
    {
        var layout = LayoutOf(inputName);
        var input = Definition.Inputs.First(i => i.Name == inputName);
        IReadOnlyList<LayerDescription> Encoder(InputEncoder encoder) => encoder switch
        {
            DenseEncoder dense => dense.Layers.Describe(),
            ConvolutionalEncoder convolutional => convolutional.Describe(),
            _ => throw new InvalidOperationException($"Encoder type {encoder.GetType().Name} has no description."),
        };

        var shared = new List<LayerDescription>();
        var family = Definition.Family;
        switch (family)
        {
            case ModelFamily.TaskSpecific:
                break;
            case ModelFamily.SharedTrunk or ModelFamily.Hybrid:
                shared.AddRange(Encoder(encoders[inputName]));
                shared.AddRange(trunks["shared"].Describe());
                break;
            case ModelFamily.Mmoe or ModelFamily.Cgc:
                shared.AddRange(Encoder(encoders[inputName]));
                shared.Add(new LayerDescription(LayerKind.ExpertMixture, input.EncodedSize, mixtures["experts"].OutputSize, Mixture: mixtures["experts"]));
                break;
            case ModelFamily.CrossStitch:
                shared.AddRange(Encoder(encoders[inputName]));
                // The columns' hidden layers are the network's (activation, then dropout with the columns' keys).
                shared.Add(new LayerDescription(LayerKind.CrossStitch, input.EncodedSize, columns[inputName].OutputSize, Activation: activation, DropoutRate: dropout.Rate, Masks: DropoutMasks, CrossStitch: columns[inputName]));
                break;
            default:
                throw new InvalidOperationException($"Model family {family} has no description.");
        }

        var tasks = new List<(string, IReadOnlyList<LayerDescription>)>();
        foreach (var task in layout.Tasks)
        {
            var layers = new List<LayerDescription>();
            if (taskEncoders.ContainsKey(task.Name))
            {
                layers.AddRange(Encoder(taskEncoders[task.Name]));
            }

            var blockIndex = blockOfTask[task.Name];
            var block = taskBlocks[BlockKey(blockIndex)];
            var slice = Definition.TaskBlocks[blockIndex].ToList().IndexOf(task.Name);
            for (var l = 0; l < block.LayerCount; l++)
            {
                layers.Add(new LayerDescription(LayerKind.StackedTaskLayer, block.Sizes[l], block.Sizes[l + 1]));
                if (l + 1 < block.LayerCount)
                {
                    layers.AddRange(hiddenLayers.Select(h => h with { InputSize = block.Sizes[l + 1], OutputSize = block.Sizes[l + 1], DropoutKey = blockDropoutKeys[blockIndex][l], DropoutSlice = slice }));
                }
            }

            tasks.Add((task.Name, layers));
        }

        return new NetworkDescription(family, inputName, shared, tasks);
    }

    /// <summary>For the fused training engine: the stacked weight [T_b, in, out] and bias [T_b, out] of layer
    /// <paramref name="layer"/> of the block holding a task (its last layer is the head), and the task's slice in them.</summary>
    internal (Parameter Weight, Parameter Bias, int Slice) TaskLayerOf(string taskName, int layer)
    {
        var block = blockOfTask[taskName];
        var names = Definition.TaskBlocks[block];
        var module = taskBlocks[BlockKey(block)];
        return (module.Weight(layer), module.Bias(layer), names.ToList().IndexOf(taskName));
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var order in outputOrder.Values)
            {
                order.Dispose();
            }

            outputOrder.Clear();
        }

        base.Dispose(disposing);
    }

    private static string BlockKey(int block) => $"block{block}";

    private static int IndexIn(OutputLayout layout, string taskName)
    {
        for (var i = 0; i < layout.Tasks.Count; i++)
        {
            if (layout.Tasks[i].Name == taskName)
            {
                return i;
            }
        }

        throw new KeyNotFoundException(taskName);
    }

    /// <summary>Copies every parameter whose name and shape match from another network (used to add a task to a trained
    /// model and to clone a network).</summary>
    /// <param name="source">The network to copy from.</param>
    /// <returns>The names of the parameters that were copied.</returns>
    public IReadOnlyList<string> CopyMatchingParametersFrom(MultitaskNetwork source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var sourceParameters = source.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        var copied = new List<string>();
        using (no_grad())
        {
            foreach (var (name, parameter) in named_parameters())
            {
                if (sourceParameters.TryGetValue(name, out var from) && from.shape.SequenceEqual(parameter.shape))
                {
                    parameter.copy_(from);
                    copied.Add(name);
                }
            }
        }

        return copied;
    }

    /// <summary>Runs the task blocks of an input on the shared features <paramref name="x"/> [B, h], or, when
    /// <paramref name="perTask"/> is given, on each task's own features [B, h] (per-task encoders, expert mixtures).</summary>
    private Tensor ApplyBlocks(Tensor x, string inputName, Func<string, Tensor>? perTask)
    {
        var blocks = blocksOfInput[inputName];
        Tensor Block(int b)
        {
            var names = Definition.TaskBlocks[b];
            var blockInput = perTask is null ? x : torch.stack(names.Select(perTask), 0);
            return taskBlocks[BlockKey(b)].Forward(blockInput, (z, l) => Hidden(z, blockDropoutKeys[b][l]));
        }

        var output = blocks.Length == 1 ? Block(blocks[0]) : torch.cat(blocks.Select(Block).ToArray(), 1);
        return outputOrder.TryGetValue(inputName, out var order) ? output.index_select(1, order) : output;
    }

    /// <summary>The ONNX form of <see cref="ApplyBlocks"/>.</summary>
    private string ApplyBlocksToOnnx(OnnxGraphBuilder graph, string x, string inputName, Func<string, string>? perTask)
    {
        var blocks = blocksOfInput[inputName];
        string Block(int b)
        {
            var names = Definition.TaskBlocks[b];
            var blockInput = perTask is null ? x : ExpertMixture.Stack(graph, names.Select(perTask));
            return taskBlocks[BlockKey(b)].ToOnnx(graph, blockInput, perTask is not null, z => HiddenToOnnx(graph, z));
        }

        var output = blocks.Length == 1 ? Block(blocks[0]) : graph.Node("Concat", blocks.Select(Block).ToArray(), OnnxGraphBuilder.Int("axis", 1));
        if (!outputOrder.TryGetValue(inputName, out var order))
        {
            return output;
        }

        return graph.Node("Gather", [output, graph.Constant("output_order", order.data<long>().ToArray(), order.shape)], OnnxGraphBuilder.Int("axis", 1));
    }

    private string HiddenToOnnx(OnnxGraphBuilder graph, string x)
    {
        foreach (var layer in hiddenLayers)
        {
            x = DenseStack.HiddenToOnnx(layer, graph, x);
        }

        return x;
    }

    /// <summary>Keys for <paramref name="count"/> more dropout layers (none when dropout is off).</summary>
    private int[] NewDropoutKeys(int count) =>
        dropout.Rate > 0 ? Enumerable.Range(0, Math.Max(count, 0)).Select(_ => DropoutMasks.NextKey()).ToArray() : new int[Math.Max(count, 0)];

    /// <summary>The activation and dropout (with key <paramref name="dropoutKey"/>) after a stacked task or
    /// cross-stitch layer; on [T, B, w] the masks' slice t is task t's.</summary>
    private Tensor Hidden(Tensor x, int dropoutKey)
    {
        foreach (var layer in hiddenLayers)
        {
            x = DenseStack.ApplyHidden(layer.Kind == LayerKind.Dropout ? layer with { DropoutKey = dropoutKey } : layer, x, training);
        }

        return x;
    }
}
