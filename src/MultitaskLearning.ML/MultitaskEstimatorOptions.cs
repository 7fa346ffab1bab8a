using MultitaskLearning.Models;
using MultitaskLearning.Tasks;
using MultitaskLearning.Training;

namespace MultitaskLearning.ML;

/// <summary>What <see cref="MultitaskEstimator"/> trains: the tasks, where their labels and the features are in the
/// <see cref="Microsoft.ML.IDataView"/>, the model family and architecture, and the trainer's options.</summary>
public sealed class MultitaskEstimatorOptions
{
    /// <summary>The tasks, with unique names. Multiclass, binary and regression tasks are supported.</summary>
    public IReadOnlyList<TaskDefinition> Tasks { get; set; } = [];

    /// <summary>The feature columns, concatenated in this order: each a <c>Single</c> or a known-size vector of
    /// <c>Single</c>.</summary>
    /// <value>Default: one column, <c>Features</c>.</value>
    public IReadOnlyList<string> FeatureColumnNames { get; set; } = ["Features"];

    /// <summary>The label column of each task, by task name; a task not listed reads the column named like the task.</summary>
    public IReadOnlyDictionary<string, string> LabelColumnNames { get; set; } = new Dictionary<string, string>();

    /// <summary>The model family.</summary>
    /// <value>Default <see cref="ModelFamily.SharedTrunk"/>.</value>
    public ModelFamily Family { get; set; } = ModelFamily.SharedTrunk;

    /// <summary>Layer sizes and the other architecture settings; <see langword="null"/> takes the library's defaults.</summary>
    public ArchitectureOptions? Architecture { get; set; }

    /// <summary>An optional change to the model's input definition (encoder layers, missing-value policy, …); the input is
    /// named <see cref="MultitaskTransformer.InputName"/> and has one value per feature.</summary>
    public Func<InputDefinition, InputDefinition>? ConfigureInput { get; set; }

    /// <summary>The trainer's options (epochs, optimiser, seed, threads, …).</summary>
    public TrainerOptions Trainer { get; set; } = new();

    /// <summary>The label column of a task: <see cref="LabelColumnNames"/>' entry, or the task's name.</summary>
    /// <param name="taskName">The task.</param>
    /// <returns>The column name.</returns>
    public string LabelColumnOf(string taskName) =>
        LabelColumnNames.TryGetValue(taskName, out var column) ? column : taskName;
}
