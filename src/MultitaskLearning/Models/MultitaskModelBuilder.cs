using MultitaskLearning.Data;
using MultitaskLearning.Data.Shards;
using MultitaskLearning.Tasks;

namespace MultitaskLearning.Models;

/// <summary>
/// Composes inputs, tasks, a model family and an architecture into a <see cref="MultitaskModelDefinition"/>.
/// <c>Add…</c> and <c>Use…</c> return the builder; <see cref="Build"/> validates everything and reports every problem at once.
/// </summary>
/// <example>
/// <code>
/// var definition = MultitaskModelBuilder.FromDataset(train)
///     .UseFamily(ModelFamily.SharedTrunk, new ArchitectureOptions { TrunkLayers = [64, 32] })
///     .Build();
/// </code>
/// </example>
public sealed class MultitaskModelBuilder
{
    private readonly List<InputDefinition> inputs = [];
    private readonly List<(TaskDefinition Task, string? Input)> tasks = [];
    private ModelFamily family = ModelFamily.SharedTrunk;
    private ArchitectureOptions architecture = new();
    private IReadOnlyList<IReadOnlyList<string>> presetBlocks = [];

    /// <summary>Starts a builder with the inputs (vector inputs with default preprocessing) and tasks of a dataset.</summary>
    /// <param name="dataset">A dataset, usually the training split.</param>
    /// <param name="configureInput">Optional change to each input definition (encoder layers, missing-value policy…).</param>
    /// <returns>The builder.</returns>
    public static MultitaskModelBuilder FromDataset(MultitaskDataset dataset, Func<InputDefinition, InputDefinition>? configureInput = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var builder = new MultitaskModelBuilder();
        foreach (var table in dataset.Inputs.Values)
        {
            var input = new InputDefinition(table.Name, [.. table.SampleShape]);
            builder.AddInput(configureInput is null ? input : configureInput(input));
        }

        foreach (var task in dataset.Tasks)
        {
            builder.AddTask(task, dataset.Targets[task.Name].InputName);
        }

        return builder;
    }

    /// <summary>Starts a builder with the input (a vector input with default preprocessing) and tasks of a shard store.</summary>
    /// <param name="shards">The training store.</param>
    /// <param name="configureInput">Optional change to the input definition (encoder layers, missing-value policy…).</param>
    /// <returns>The builder.</returns>
    public static MultitaskModelBuilder FromDataset(ShardedDataset shards, Func<InputDefinition, InputDefinition>? configureInput = null)
    {
        ArgumentNullException.ThrowIfNull(shards);
        var builder = new MultitaskModelBuilder();
        var input = new InputDefinition(shards.InputName, [.. shards.SampleShape]);
        builder.AddInput(configureInput is null ? input : configureInput(input));
        foreach (var task in shards.Tasks)
        {
            builder.AddTask(task, shards.InputName);
        }

        return builder;
    }

    /// <summary>Adds an input.</summary>
    /// <param name="input">The input definition.</param>
    /// <returns>This builder.</returns>
    public MultitaskModelBuilder AddInput(InputDefinition input)
    {
        ArgumentNullException.ThrowIfNull(input);
        inputs.Add(input);
        return this;
    }

    /// <summary>Adds a feature-vector input with default preprocessing.</summary>
    /// <param name="name">The input name.</param>
    /// <param name="featureCount">The number of features.</param>
    /// <returns>This builder.</returns>
    public MultitaskModelBuilder AddInput(string name, int featureCount) => AddInput(new InputDefinition(name, featureCount));

    /// <summary>Adds a task.</summary>
    /// <param name="task">The task.</param>
    /// <param name="inputName">The input it reads; may be omitted when the model has exactly one input.</param>
    /// <returns>This builder.</returns>
    public MultitaskModelBuilder AddTask(TaskDefinition task, string? inputName = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        tasks.Add((task, inputName));
        return this;
    }

    /// <summary>Chooses the model family and its architecture.</summary>
    /// <param name="modelFamily">The family.</param>
    /// <param name="options">Layer sizes, activation and dropout; <see langword="null"/> keeps the current ones.</param>
    /// <returns>This builder.</returns>
    public MultitaskModelBuilder UseFamily(ModelFamily modelFamily, ArchitectureOptions? options = null)
    {
        family = modelFamily;
        if (options is not null)
        {
            architecture = options.Clone();
        }

        return this;
    }

    /// <summary>Keeps these task blocks (from a trained model); tasks not listed get new blocks.</summary>
    /// <param name="blocks">Task names per block.</param>
    /// <returns>This builder.</returns>
    internal MultitaskModelBuilder WithTaskBlocks(IReadOnlyList<IReadOnlyList<string>> blocks)
    {
        presetBlocks = blocks.Select(b => (IReadOnlyList<string>)b.ToArray()).ToArray();
        return this;
    }

    /// <summary>Validates the composition and returns the immutable definition.</summary>
    /// <returns>The definition.</returns>
    /// <exception cref="ArgumentException">Something does not fit; the message lists every problem.</exception>
    public MultitaskModelDefinition Build()
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(family))
        {
            errors.Add($"Unknown model family {family}.");
        }

        errors.AddRange(architecture.Validate());
        if (family is ModelFamily.Mmoe or ModelFamily.Cgc or ModelFamily.CrossStitch && architecture.TrunkLayers.Count == 0)
        {
            errors.Add($"The {family.ToName()} family needs TrunkLayers: every expert or column is a network with those layers.");
        }
        if (inputs.Count == 0)
        {
            errors.Add("The model has no input; call AddInput.");
        }

        if (tasks.Count == 0)
        {
            errors.Add("The model has no task; call AddTask.");
        }

        foreach (var duplicate in inputs.GroupBy(i => i.Name).Where(g => g.Count() > 1))
        {
            errors.Add($"Input '{duplicate.Key}' is added {duplicate.Count()} times.");
        }

        errors.AddRange(inputs.SelectMany(i => i.Validate()));

        foreach (var duplicate in tasks.GroupBy(t => t.Task.Name).Where(g => g.Count() > 1))
        {
            errors.Add($"Task name '{duplicate.Key}' is used {duplicate.Count()} times; task names must be unique.");
        }

        var inputOfTask = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (task, input) in tasks)
        {
            var resolved = input ?? (inputs.Count == 1 ? inputs[0].Name : null);
            if (resolved is null)
            {
                errors.Add($"Task '{task.Name}' does not say which input it reads, and the model has {inputs.Count} inputs.");
            }
            else if (inputs.All(i => i.Name != resolved))
            {
                errors.Add($"Task '{task.Name}' reads input '{resolved}', which was not added. Inputs: {string.Join(", ", inputs.Select(i => i.Name))}.");
            }
            else
            {
                inputOfTask[task.Name] = resolved;
            }
        }

        var usedInputs = inputs.Where(i => inputOfTask.ContainsValue(i.Name)).ToArray();
        if (family != ModelFamily.TaskSpecific && usedInputs.Select(i => i.EncodedSize).Distinct().Count() > 1)
        {
            errors.Add("A shared trunk needs every input's encoder to end in the same width; got " +
                string.Join(", ", usedInputs.Select(i => $"'{i.Name}' → {i.EncodedSize}")) + ". Set EncoderLayers so they match.");
        }

        foreach (var unused in inputs.Except(usedInputs))
        {
            errors.Add($"Input '{unused.Name}' is not read by any task.");
        }

        var blocks = errors.Count == 0 ? ResolveBlocks(inputOfTask, errors) : [];
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid multitask model: " + string.Join(" ", errors));
        }

        return new MultitaskModelDefinition(family, architecture.Clone(), inputs.ToArray(), tasks.Select(t => t.Task).ToArray(), inputOfTask, blocks);
    }

    /// <summary>Preset blocks first, then the remaining tasks grouped by (input, output size) in order of appearance.</summary>
    private List<IReadOnlyList<string>> ResolveBlocks(Dictionary<string, string> inputOfTask, List<string> errors)
    {
        var byName = tasks.ToDictionary(t => t.Task.Name, t => t.Task, StringComparer.Ordinal);
        var placed = new HashSet<string>(StringComparer.Ordinal);
        var blocks = new List<IReadOnlyList<string>>();
        foreach (var block in presetBlocks)
        {
            if (block.Count == 0 || block.Any(name => !byName.ContainsKey(name) || !placed.Add(name)))
            {
                errors.Add($"Task block [{string.Join(", ", block)}] is empty, names an unknown task or repeats one.");
                continue;
            }

            if (block.Select(name => (inputOfTask[name], byName[name].OutputSize)).Distinct().Count() > 1)
            {
                errors.Add($"Task block [{string.Join(", ", block)}] mixes inputs or output sizes.");
                continue;
            }

            blocks.Add(block);
        }

        foreach (var group in tasks.Select(t => t.Task).Where(t => !placed.Contains(t.Name))
                     .GroupBy(t => (Input: inputOfTask[t.Name], t.OutputSize)))
        {
            blocks.Add(group.Select(t => t.Name).ToArray());
        }

        return blocks;
    }
}
