using MultitaskLearning.Data;
using MultitaskLearning.Inference;
using MultitaskLearning.Models;
using MultitaskLearning.Tasks;

namespace MultitaskLearning.Samples.Serving;

/// <summary>Runs a model file written by <c>MultitaskModel.Save</c> with the library's <see cref="MultitaskPredictor"/>
/// (TorchSharp on libtorch).</summary>
public sealed class LibraryBackend : IPredictionBackend
{
    private readonly MultitaskPredictor predictor;

    /// <summary>Loads a model file and creates its predictor.</summary>
    /// <param name="path">The .mtl file.</param>
    /// <param name="threads">libtorch's intra-op threads (process-wide); <see langword="null"/> leaves libtorch's default.</param>
    public LibraryBackend(string path, int? threads)
    {
        if (threads is { } count)
        {
            TorchSharp.torch.set_num_threads(count);
        }

        using var model = MultitaskModel.Load(path);
        predictor = model.CreatePredictor();
        var definition = predictor.Definition;
        Description = new ModelDescription(
            Backend: "library",
            File: Path.GetFileName(path),
            Family: definition.Family.ToName(),
            LibraryVersion: typeof(MultitaskModel).Assembly.GetName().Version?.ToString(3) ?? "unknown",
            Inputs: definition.Inputs
                .Select(i => new InputDescription(i.Name, i.SampleShape.ToArray(), i.MissingValues != MissingValuePolicy.Error))
                .ToArray(),
            Tasks: definition.Tasks
                .Select(t => new TaskDescription(t.Name, t.Kind.ToString(), definition.InputOf(t.Name).Name, LabelsOf(t), t.OutputSize))
                .ToArray());
    }

    /// <inheritdoc/>
    public ModelDescription Description { get; }

    /// <inheritdoc/>
    public IReadOnlyList<IReadOnlyDictionary<string, TaskResult>> Predict(string inputName, IReadOnlyList<float[]> samples) =>
        predictor.PredictBatch(inputName, samples)
            .Select(perTask => (IReadOnlyDictionary<string, TaskResult>)perTask.ToDictionary(p => p.Key, p => ToResult(p.Value), StringComparer.Ordinal))
            .ToArray();

    /// <summary>The response form of a library prediction (also what the tests compare the server's answers with).</summary>
    /// <param name="prediction">The predictor's result for one task and sample.</param>
    /// <returns>The same prediction as a <see cref="TaskResult"/>.</returns>
    public static TaskResult ToResult(TaskPrediction prediction)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        return new TaskResult
        {
            Kind = prediction.Kind.ToString(),
            Label = prediction.Kind is TaskKind.Multiclass or TaskKind.Binary ? prediction.Label : null,
            Labels = prediction.Kind == TaskKind.MultiLabel ? prediction.Labels : null,
            Probabilities = prediction.Probabilities,
            Values = prediction.Values,
        };
    }

    /// <inheritdoc/>
    public void Dispose() => predictor.Dispose();

    /// <summary>The label names in output order, as the ONNX export lists them: both classes of a binary task, and
    /// the output names ("0", "1", …) of a regression task.</summary>
    private static string[] LabelsOf(TaskDefinition task) =>
        Enumerable.Range(0, task.Kind == TaskKind.Binary ? 2 : task.OutputSize).Select(task.LabelOf).ToArray();
}
