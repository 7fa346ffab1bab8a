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
    private readonly ModuleDict<DenseStack> encoders;
    private readonly ModuleDict<DenseStack> trunks;
    private readonly ModuleDict<TaskBranch> branches;
    private readonly Dictionary<string, OutputLayout> layouts;
    private readonly Activation activation;
    private readonly double dropout;

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
        dropout = architecture.Dropout;
        encoders = new ModuleDict<DenseStack>();
        trunks = new ModuleDict<DenseStack>();
        branches = new ModuleDict<TaskBranch>();
        layouts = new Dictionary<string, OutputLayout>(StringComparer.Ordinal);

        var shared = definition.Family != ModelFamily.TaskSpecific;
        var trunkInput = 0;
        foreach (var input in definition.Inputs)
        {
            layouts[input.Name] = new OutputLayout(input.Name, definition.TasksOf(input.Name));
            if (shared)
            {
                encoders.Add(input.Name, new DenseStack("encoder", input.SampleSize, input.EncoderLayers, activation, dropout));
                trunkInput = input.EncodedSize;
            }
        }

        var trunkOutput = trunkInput;
        if (shared)
        {
            var trunk = new DenseStack("trunk", trunkInput, architecture.TrunkLayers, activation, dropout);
            trunkOutput = trunk.OutputSize;
            trunks.Add("shared", trunk);
        }

        foreach (var task in definition.Tasks)
        {
            var input = definition.InputOf(task.Name);
            List<int> sizes = definition.Family switch
            {
                ModelFamily.SharedTrunk => [trunkOutput],
                ModelFamily.Hybrid => [trunkOutput, .. architecture.TowerLayers],
                _ => [input.SampleSize, .. input.EncoderLayers, .. architecture.TrunkLayers],
            };
            sizes.Add(task.OutputSize);
            branches.Add(task.Name, new TaskBranch("branch", sizes, device));
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
        var x = input.reshape(input.shape[0], -1);
        if (Definition.Family == ModelFamily.TaskSpecific)
        {
            return ApplyBranches(x, layout.Tasks);
        }

        var encoded = encoders[inputName].Forward(x);
        var shared = trunks["shared"].Forward(encoded);
        return ApplyBranches(shared, layout.Tasks);
    }

    /// <summary>The shared representation (trunk output) of a batch; not defined for the task-specific family.</summary>
    /// <param name="inputName">The input name.</param>
    /// <param name="input">A batch of preprocessed samples.</param>
    /// <returns>A new tensor [B, trunk width].</returns>
    public Tensor Represent(string inputName, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (Definition.Family == ModelFamily.TaskSpecific)
        {
            throw new InvalidOperationException("A task-specific model has no shared representation.");
        }

        _ = LayoutOf(inputName);
        return trunks["shared"].Forward(encoders[inputName].Forward(input.reshape(input.shape[0], -1)));
    }

    /// <summary>The parameters shared by all tasks (encoders and trunk); empty for the task-specific family.</summary>
    /// <returns>The parameters.</returns>
    public IReadOnlyList<Parameter> SharedParameters() =>
        encoders.parameters().Concat(trunks.parameters()).ToArray();

    /// <summary>The parameters that belong to one task alone (its tower or network, and its head).</summary>
    /// <param name="taskName">The task name.</param>
    /// <returns>The parameters.</returns>
    public IReadOnlyList<Parameter> TaskParameters(string taskName)
    {
        Definition.GetTask(taskName);
        return branches[taskName].parameters().ToArray();
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

    private Tensor ApplyBranches(Tensor x, IReadOnlyList<TaskDefinition> tasks)
    {
        var taskBranches = tasks.Select(t => branches[t.Name]).ToArray();
        var layers = taskBranches[0].LayerCount;
        if (taskBranches.Length == 1)
        {
            var branch = taskBranches[0];
            for (var l = 0; l < layers; l++)
            {
                x = torch.addmm(branch.Bias(l), x, branch.Weight(l), 1, 1);
                if (l + 1 < layers)
                {
                    x = Hidden(x);
                }
            }

            return x;
        }

        if (layers == 1)
        {
            // Shared trunk: one fused product for all heads.
            return torch.addmm(torch.cat(taskBranches.Select(b => (Tensor)b.Bias(0)).ToArray(), 0), x, torch.cat(taskBranches.Select(b => (Tensor)b.Weight(0)).ToArray(), 1), 1, 1);
        }

        // Task towers (hybrid) or whole task networks (task-specific), batched over tasks: [T, B, width].
        var stacked = x.unsqueeze(0);
        for (var l = 0; l + 1 < layers; l++)
        {
            var w = torch.stack(taskBranches.Select(b => (Tensor)b.Weight(l)), 0);
            var b = torch.stack(taskBranches.Select(b => (Tensor)b.Bias(l)), 0).unsqueeze(1);
            stacked = Hidden(stacked.matmul(w).add(b));
        }

        var last = layers - 1;
        var batch = x.shape[0];
        var widths = taskBranches.Select(b => b.OutputSize).Distinct().ToArray();
        if (widths.Length == 1)
        {
            var w = torch.stack(taskBranches.Select(b => (Tensor)b.Weight(last)), 0);
            var b = torch.stack(taskBranches.Select(b => (Tensor)b.Bias(last)), 0).unsqueeze(1);
            return stacked.matmul(w).add(b).permute(1, 0, 2).reshape(batch, -1);
        }

        var flat = stacked.permute(1, 0, 2).reshape(batch, -1);
        var blockDiagonal = torch.block_diag(taskBranches.Select(b => (Tensor)b.Weight(last)).ToArray());
        return torch.addmm(torch.cat(taskBranches.Select(b => (Tensor)b.Bias(last)).ToArray(), 0), flat, blockDiagonal, 1, 1);
    }

    private Tensor Hidden(Tensor x)
    {
        x = ActivationFunctions.Apply(activation, x);
        return dropout > 0 ? nn.functional.dropout(x, dropout, training) : x;
    }
}
