using System.Text.Json;
using Microsoft.ML.OnnxRuntime;

namespace MultitaskLearning.Samples.Serving;

/// <summary>Runs an ONNX file written by <c>MultitaskModel.ExportOnnx</c> with ONNX Runtime. It reads the model's
/// inputs and tasks, with the graph names of each, from the file's metadata (<c>multitask.inputs</c>,
/// <c>multitask.tasks</c>) and uses neither the library nor TorchSharp. A sample may hold missing values only where the
/// input's <c>"missingValues"</c> policy fills them in (anything but <c>"Error"</c>).</summary>
public sealed class OnnxBackend : IPredictionBackend
{
    private static readonly JsonSerializerOptions MetadataJson = new() { PropertyNameCaseInsensitive = true };
    private readonly InferenceSession session;
    private readonly RunOptions runOptions = new();
    private readonly Dictionary<string, InputDescription> inputs;
    private readonly Dictionary<string, TaskDescription[]> tasksByInput;
    private readonly Dictionary<string, string> graphInputs;
    private readonly Dictionary<string, OnnxTaskMetadata> taskOutputs;

    /// <summary>Opens an ONNX file and checks that it follows the library's layout.</summary>
    /// <param name="path">The .onnx file.</param>
    /// <param name="threads">ONNX Runtime's intra-op threads per run; <see langword="null"/> leaves its default.</param>
    /// <exception cref="InvalidDataException">The file lacks the metadata, or its graph does not match it; the message says what.</exception>
    public OnnxBackend(string path, int? threads)
    {
        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (threads is { } count)
        {
            options.IntraOpNumThreads = count;
            options.InterOpNumThreads = 1;
        }

        try
        {
            session = new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException ex)
        {
            runOptions.Dispose();
            throw new InvalidDataException($"{Path.GetFileName(path)}: ONNX Runtime cannot load the file: {ex.Message}", ex);
        }

        try
        {
            var name = Path.GetFileName(path);
            var metadata = session.ModelMetadata.CustomMetadataMap;
            if (!metadata.TryGetValue("multitask.format", out var format) || format != "1")
            {
                throw new InvalidDataException($"{name}: not an ONNX file of MultitaskLearning: metadata 'multitask.format' is {(format is null ? "missing" : $"'{format}'")}; expected '1'.");
            }

            var inputList = ReadMetadata<OnnxInputMetadata>(metadata, "multitask.inputs", name);
            var taskList = ReadMetadata<OnnxTaskMetadata>(metadata, "multitask.tasks", name);
            inputs = inputList.ToDictionary(
                i => i.Name,
                i => new InputDescription(i.Name, i.Shape, AcceptsMissingValues: i.MissingValues is { } policy && policy != "Error"),
                StringComparer.Ordinal);
            graphInputs = inputList.ToDictionary(i => i.Name, i => i.GraphInput, StringComparer.Ordinal);
            taskOutputs = taskList.ToDictionary(t => t.Name, StringComparer.Ordinal);
            foreach (var input in inputs.Values)
            {
                CheckGraphInput(name, input);
            }

            var tasks = taskList.Select(t => new TaskDescription(t.Name, t.Kind, t.Input, t.Labels ?? [], t.OutputSize)).ToArray();
            foreach (var task in tasks)
            {
                CheckGraphOutputs(name, task);
            }

            tasksByInput = inputs.Keys.ToDictionary(i => i, i => tasks.Where(t => t.Input == i).ToArray(), StringComparer.Ordinal);
            metadata.TryGetValue("multitask.family", out var family);
            metadata.TryGetValue("multitask.libraryVersion", out var libraryVersion);
            Description = new ModelDescription(
                Backend: "onnx",
                File: name,
                Family: family ?? "unknown",
                LibraryVersion: libraryVersion ?? "unknown",
                Inputs: inputList.Select(i => inputs[i.Name]).ToArray(),
                Tasks: tasks);
        }
        catch
        {
            session.Dispose();
            runOptions.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public ModelDescription Description { get; }

    /// <inheritdoc/>
    public IReadOnlyList<IReadOnlyDictionary<string, TaskResult>> Predict(string inputName, IReadOnlyList<float[]> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var input = inputs[inputName];
        var size = input.SampleSize;
        var values = new float[samples.Count * size];
        for (var s = 0; s < samples.Count; s++)
        {
            samples[s].CopyTo(values, s * size);
        }

        // Every graph input is fed: the one asked for with the samples, the others with one sample of zeros (their
        // outputs are not fetched).
        var names = new List<string> { graphInputs[inputName] };
        var feeds = new List<OrtValue>();
        try
        {
            feeds.Add(OrtValue.CreateTensorValueFromMemory(values, [samples.Count, .. input.Shape.Select(d => (long)d)]));
            foreach (var other in inputs.Values.Where(i => i.Name != inputName))
            {
                names.Add(graphInputs[other.Name]);
                feeds.Add(OrtValue.CreateTensorValueFromMemory(new float[other.SampleSize], [1, .. other.Shape.Select(d => (long)d)]));
            }

            var tasks = tasksByInput[inputName];
            var outputNames = new List<string>();
            foreach (var task in tasks)
            {
                outputNames.Add(taskOutputs[task.Name].Output);
                if (HasLabelOutput(task))
                {
                    outputNames.Add(LabelOutput(task));
                }
            }

            using var outputs = session.Run(runOptions, names, feeds, outputNames);
            var byName = new Dictionary<string, OrtValue>(StringComparer.Ordinal);
            for (var o = 0; o < outputNames.Count; o++)
            {
                byName[outputNames[o]] = outputs[o];
            }

            var results = new IReadOnlyDictionary<string, TaskResult>[samples.Count];
            for (var s = 0; s < samples.Count; s++)
            {
                var perTask = new Dictionary<string, TaskResult>(StringComparer.Ordinal);
                foreach (var task in tasks)
                {
                    var output = byName[taskOutputs[task.Name].Output];
                    var width = (int)output.GetTensorTypeAndShape().Shape[1];
                    var row = output.GetTensorDataAsSpan<float>().Slice(s * width, width);
                    var classIndex = HasLabelOutput(task) ? (int)byName[LabelOutput(task)].GetTensorDataAsSpan<long>()[s] : -1;
                    perTask[task.Name] = Describe(task, row, classIndex);
                }

                results[s] = perTask;
            }

            return results;
        }
        finally
        {
            foreach (var feed in feeds)
            {
                feed.Dispose();
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        session.Dispose();
        runOptions.Dispose();
    }

    private static TaskResult Describe(TaskDescription task, ReadOnlySpan<float> row, int classIndex)
    {
        switch (task.Kind)
        {
            case "Regression":
                return new TaskResult { Kind = task.Kind, Values = ToDoubles(row) };
            case "MultiLabel":
                var chosen = new List<string>();
                for (var c = 0; c < row.Length; c++)
                {
                    if (row[c] >= 0.5f)
                    {
                        chosen.Add(task.Labels[c]);
                    }
                }

                return new TaskResult { Kind = task.Kind, Labels = chosen, Probabilities = ToProbabilities(task, row) };
            default:
                return new TaskResult { Kind = task.Kind, Label = task.Labels[classIndex], Probabilities = ToProbabilities(task, row) };
        }
    }

    private static double[] ToDoubles(ReadOnlySpan<float> row)
    {
        var values = new double[row.Length];
        for (var i = 0; i < row.Length; i++)
        {
            values[i] = row[i];
        }

        return values;
    }

    private static Dictionary<string, double> ToProbabilities(TaskDescription task, ReadOnlySpan<float> row)
    {
        var probabilities = new Dictionary<string, double>(row.Length, StringComparer.Ordinal);
        for (var c = 0; c < row.Length; c++)
        {
            probabilities[task.Labels[c]] = row[c];
        }

        return probabilities;
    }

    private static bool HasLabelOutput(TaskDescription task) => task.Kind is "Multiclass" or "Binary";

    private string LabelOutput(TaskDescription task) => taskOutputs[task.Name].LabelOutput
        ?? throw new InvalidDataException($"Task '{task.Name}' ({task.Kind}) has no labelOutput in the file's metadata.");

    private static T[] ReadMetadata<T>(IReadOnlyDictionary<string, string> metadata, string key, string file)
    {
        if (!metadata.TryGetValue(key, out var json))
        {
            throw new InvalidDataException($"{file}: metadata '{key}' is missing.");
        }

        try
        {
            return JsonSerializer.Deserialize<T[]>(json, MetadataJson) ?? throw new InvalidDataException($"{file}: metadata '{key}' is null.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{file}: metadata '{key}' is not the expected JSON array: {ex.Message}", ex);
        }
    }

    private void CheckGraphInput(string file, InputDescription input)
    {
        if (!session.InputMetadata.TryGetValue(graphInputs[input.Name], out var graphInput))
        {
            throw new InvalidDataException($"{file}: metadata names graph input '{graphInputs[input.Name]}' for input '{input.Name}', which the graph lacks (graph inputs: {string.Join(", ", session.InputMetadata.Keys)}).");
        }

        var dimensions = graphInput.Dimensions;
        if (graphInput.ElementType != typeof(float) || dimensions.Length != input.Shape.Count + 1 || !dimensions.Skip(1).SequenceEqual(input.Shape))
        {
            throw new InvalidDataException(
                $"{file}: graph input '{input.Name}' is {graphInput.ElementType.Name} [{string.Join(", ", dimensions)}]; the metadata's shape [{string.Join(", ", input.Shape)}] needs float32 [batch, {string.Join(", ", input.Shape)}].");
        }
    }

    private void CheckGraphOutputs(string file, TaskDescription task)
    {
        if (task.Kind is not ("Multiclass" or "Binary" or "MultiLabel" or "Regression"))
        {
            throw new InvalidDataException($"{file}: task '{task.Name}' has an unknown kind '{task.Kind}'.");
        }

        if (!inputs.ContainsKey(task.Input))
        {
            throw new InvalidDataException($"{file}: task '{task.Name}' reads input '{task.Input}', which the metadata does not list.");
        }

        var outputName = taskOutputs[task.Name].Output;
        if (!session.OutputMetadata.TryGetValue(outputName, out var output) || output.Dimensions.Length != 2)
        {
            throw new InvalidDataException($"{file}: the graph lacks output '{outputName}' of shape [batch, outputs] for task '{task.Name}'.");
        }

        var width = output.Dimensions[1];
        if (task.Kind != "Regression" && width != task.Labels.Count)
        {
            throw new InvalidDataException(
                $"{file}: output '{outputName}' has {width} columns but the metadata lists {task.Labels.Count} label(s) for {task.Kind} task '{task.Name}'{(task.Kind == "Binary" ? " (a binary task needs both labels, [negative, positive])" : string.Empty)}.");
        }

        if (HasLabelOutput(task) && !session.OutputMetadata.ContainsKey(LabelOutput(task)))
        {
            throw new InvalidDataException($"{file}: the graph lacks output '{LabelOutput(task)}' (the predicted class of task '{task.Name}').");
        }
    }
}
