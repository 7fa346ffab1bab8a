using MultitaskLearning.Tasks;

namespace MultitaskLearning.Models;

/// <summary>
/// The validated, immutable description of a multitask model: its inputs, tasks (each reading one input), family and
/// architecture. It holds no weights; <see cref="MultitaskTrainer"/> turns it into a trained <see cref="MultitaskModel"/>.
/// Create one with <see cref="MultitaskModelBuilder"/>.
/// </summary>
public sealed class MultitaskModelDefinition
{
    private readonly Dictionary<string, string> inputOfTask;
    private readonly Dictionary<string, TaskDefinition> tasksByName;
    private readonly ArchitectureOptions architecture;

    internal MultitaskModelDefinition(
        ModelFamily family,
        ArchitectureOptions architecture,
        IReadOnlyList<InputDefinition> inputs,
        IReadOnlyList<TaskDefinition> tasks,
        Dictionary<string, string> inputOfTask,
        IReadOnlyList<IReadOnlyList<string>> taskBlocks)
    {
        TaskBlocks = taskBlocks;
        Family = family;
        this.architecture = architecture;
        Inputs = inputs;
        Tasks = tasks;
        this.inputOfTask = inputOfTask;
        tasksByName = tasks.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>The model family.</summary>
    public ModelFamily Family { get; }

    /// <summary>A copy of the architecture options (changing it does not change the definition).</summary>
    public ArchitectureOptions Architecture => architecture.Clone();

    /// <summary>The inputs, in the order they were added.</summary>
    public IReadOnlyList<InputDefinition> Inputs { get; }

    /// <summary>The tasks, in the order they were added (this is also the order of task outputs).</summary>
    public IReadOnlyList<TaskDefinition> Tasks { get; }

    /// <summary>
    /// How the tasks' own parameters are stored: each block holds tasks that read the same input and have the same
    /// output size, with their parameters stacked in one tensor per layer (fast for many tasks). A task added to a
    /// trained model with <see cref="MultitaskModel.WithAddedTask"/> gets a block of its own, so it can be trained while
    /// the other blocks stay frozen.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<string>> TaskBlocks { get; }

    /// <summary>The input a task reads.</summary>
    /// <param name="taskName">The task name.</param>
    /// <returns>The input definition.</returns>
    public InputDefinition InputOf(string taskName) =>
        Inputs.First(i => i.Name == (inputOfTask.TryGetValue(taskName, out var name)
            ? name
            : throw new KeyNotFoundException($"The model has no task '{taskName}'. Tasks: {string.Join(", ", Tasks.Select(t => t.Name))}.")));

    /// <summary>The tasks that read an input, in task order.</summary>
    /// <param name="inputName">The input name.</param>
    /// <returns>The tasks.</returns>
    public IReadOnlyList<TaskDefinition> TasksOf(string inputName) => Tasks.Where(t => inputOfTask[t.Name] == inputName).ToArray();

    /// <summary>A task by name.</summary>
    /// <param name="taskName">The task name.</param>
    /// <returns>The task.</returns>
    public TaskDefinition GetTask(string taskName) => tasksByName.TryGetValue(taskName, out var task)
        ? task
        : throw new KeyNotFoundException($"The model has no task '{taskName}'. Tasks: {string.Join(", ", Tasks.Select(t => t.Name))}.");

    /// <summary>A builder that starts from this definition (same inputs, tasks, family and architecture).</summary>
    /// <returns>The builder.</returns>
    public MultitaskModelBuilder ToBuilder()
    {
        var builder = new MultitaskModelBuilder().UseFamily(Family, Architecture);
        foreach (var input in Inputs)
        {
            builder.AddInput(input);
        }

        foreach (var task in Tasks)
        {
            builder.AddTask(task, inputOfTask[task.Name]);
        }

        return builder.WithTaskBlocks(TaskBlocks);
    }
}
