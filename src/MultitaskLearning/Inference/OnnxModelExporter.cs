using System.Text.Json;
using Google.Protobuf;
using MultitaskLearning.Data;
using MultitaskLearning.Graphs;
using MultitaskLearning.Models;
using MultitaskLearning.Runtime;
using MultitaskLearning.Tasks;
using Onnx;

namespace MultitaskLearning.Inference;

/// <summary>
/// Writes a trained network, with its preprocessing, as a standard ONNX model (opset 17): one float32 graph input per
/// model input holding raw samples [batch, sample shape…] (missing-value fill and standardisation are in the graph),
/// one output per task named after it (class probabilities, or regression values in the original units), an int64
/// output "<c>task.label</c>" with the predicted class of each multiclass and binary task, and the tasks, labels and
/// inputs as JSON in the model's metadata. A graph input is named after its model input, or "<c>input.input</c>" when
/// a task has the same name; the metadata gives each input's and task's graph names. The graph computes what <see cref="MultitaskPredictor"/> computes.
/// </summary>
internal static class OnnxModelExporter
{
    /// <summary>The metadata key of the format version of the metadata below.</summary>
    public const string FormatKey = "multitask.format";

    /// <summary>The metadata key of the version of the library that wrote the file.</summary>
    public const string LibraryVersionKey = "multitask.libraryVersion";

    /// <summary>The metadata key of the model family name.</summary>
    public const string FamilyKey = "multitask.family";

    /// <summary>The metadata key of the JSON array of inputs ({name, graphInput, shape, missingValues}).</summary>
    public const string InputsKey = "multitask.inputs";

    /// <summary>The metadata key of the JSON array of tasks ({name, kind, input, labels, outputSize, output, labelOutput}).</summary>
    public const string TasksKey = "multitask.tasks";

    /// <summary>The suffix of the predicted-class outputs.</summary>
    public const string LabelSuffix = ".label";

    /// <summary>The suffix of a graph input whose model input shares its name with a task (a graph value has one name).</summary>
    public const string InputSuffix = ".input";

    /// <summary>Builds the ONNX model.</summary>
    public static ModelProto Build(
        MultitaskNetwork network,
        IReadOnlyDictionary<string, FeatureStatistics> featureStatistics,
        IReadOnlyDictionary<string, TargetStatistics> targetStatistics)
    {
        ArgumentNullException.ThrowIfNull(network);
        var definition = network.Definition;
        var graph = new OnnxGraphBuilder("multitask");
        var outputNames = definition.Tasks.Select(t => t.Name)
            .Concat(definition.Tasks.Where(HasLabelOutput).Select(t => t.Name + LabelSuffix))
            .ToHashSet(StringComparer.Ordinal);
        var graphInputs = definition.Inputs.ToDictionary(
            i => i.Name, i => outputNames.Contains(i.Name) ? i.Name + InputSuffix : i.Name, StringComparer.Ordinal);
        graph.Reserve("model inputs and task outputs", graphInputs.Values.Concat(outputNames));
        var batchNames = definition.Inputs.ToDictionary(
            i => i.Name, i => definition.Inputs.Count == 1 ? "batch" : $"{i.Name}_batch", StringComparer.Ordinal);

        foreach (var input in definition.Inputs)
        {
            var x = graph.AddInput(graphInputs[input.Name], batchNames[input.Name], input.SampleShape);
            if (featureStatistics.TryGetValue(input.Name, out var statistics))
            {
                x = Preprocess(graph, input, statistics, x);
            }

            var raw = network.ToOnnx(graph, input.Name, x);
            var layout = network.LayoutOf(input.Name);
            for (var t = 0; t < layout.Tasks.Count; t++)
            {
                var task = layout.Tasks[t];
                var offset = layout.Offsets[t];
                var slice = graph.Node("Slice", [raw, graph.Vector("start", offset), graph.Vector("end", offset + task.OutputSize), graph.Vector("axis1", 1)]);
                targetStatistics.TryGetValue(task.Name, out var scaling);
                AddTaskOutputs(graph, task, slice, scaling, batchNames[input.Name]);
            }
        }

        var version = typeof(OnnxModelExporter).Assembly.GetName().Version?.ToString(3) ?? "unknown";
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [FormatKey] = "1",
            [LibraryVersionKey] = version,
            [FamilyKey] = definition.Family.ToName(),
            [InputsKey] = JsonSerializer.Serialize(definition.Inputs.Select(i => new
            {
                name = i.Name,
                graphInput = graphInputs[i.Name],
                shape = i.SampleShape,
                // The graph replaces a missing (NaN) value by the training fill value whatever the policy; the predictor
                // refuses missing values under the policy "Error", so a consumer that wants its behaviour checks this.
                missingValues = i.MissingValues.ToString(),
            })),
            [TasksKey] = JsonSerializer.Serialize(definition.Tasks.Select(t => new
            {
                name = t.Name,
                kind = t.Kind.ToString(),
                input = definition.InputOf(t.Name).Name,
                // In output order: a binary task has one logit but two probability columns [P(label 0), P(label 1)].
                labels = Enumerable.Range(0, t.Kind == TaskKind.Binary ? 2 : t.OutputSize).Select(t.LabelOf).ToArray(),
                outputSize = t.OutputSize,
                output = t.Name,
                labelOutput = HasLabelOutput(t) ? t.Name + LabelSuffix : null,
            })),
        };
        var documentation = $"A {definition.Family.ToName()} multitask model with tasks {string.Join(", ", definition.Tasks.Select(t => t.Name))}; inputs take raw samples.";
        return graph.ToModel(version, documentation, metadata);
    }

    /// <summary>Writes the ONNX model to a file atomically (a temporary file is moved into place).</summary>
    public static void Save(
        MultitaskNetwork network,
        IReadOnlyDictionary<string, FeatureStatistics> featureStatistics,
        IReadOnlyDictionary<string, TargetStatistics> targetStatistics,
        string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = DurableFile.InExistingFolder(path, "export the model");

        var model = Build(network, featureStatistics, targetStatistics);
        DurableFile.Write(full, stream => model.WriteTo(stream));
    }

    /// <summary>Whether a task has a predicted-class output next to its probabilities.</summary>
    public static bool HasLabelOutput(TaskDefinition task) => task.Kind switch
    {
        TaskKind.Multiclass or TaskKind.Binary => true,
        TaskKind.MultiLabel or TaskKind.Regression => false,
        _ => throw new InvalidOperationException($"Task '{task.Name}' has an unknown kind {task.Kind}."),
    };

    /// <summary>Fills missing values and standardises, as <see cref="FeatureStatistics.ApplyInPlace"/> does.</summary>
    private static string Preprocess(OnnxGraphBuilder graph, InputDefinition input, FeatureStatistics statistics, string x)
    {
        var shape = input.SampleShape.Select(d => (long)d).ToArray();
        var fill = graph.Constant("fill", statistics.Fill.ToArray(), shape);
        var filled = graph.Node("Where", [graph.Node("IsNaN", [x]), fill, x]);
        var centred = graph.Node("Sub", [filled, graph.Constant("mean", statistics.Mean.ToArray(), shape)]);
        return graph.Node("Div", [centred, graph.Constant("scale", statistics.Scale.ToArray(), shape)]);
    }

    /// <summary>Maps a task's raw outputs to what the predictor reports (see <c>PreparedData.ToScores</c>) and declares
    /// the task's graph outputs.</summary>
    private static void AddTaskOutputs(OnnxGraphBuilder graph, TaskDefinition task, string raw, TargetStatistics? scaling, string batch)
    {
        switch (task.Kind)
        {
            case TaskKind.Multiclass:
                var probabilities = graph.Node("Softmax", [raw], OnnxGraphBuilder.Int("axis", 1));
                graph.AddOutput(task.Name, probabilities, TensorProto.Types.DataType.Float, batch, [task.OutputSize]);
                var best = graph.Node("ArgMax", [probabilities], OnnxGraphBuilder.Int("axis", 1), OnnxGraphBuilder.Int("keepdims", 0));
                graph.AddOutput(task.Name + LabelSuffix, best, TensorProto.Types.DataType.Int64, batch, []);
                break;
            case TaskKind.Binary:
                var positive = graph.Node("Sigmoid", [raw]);
                var negative = graph.Node("Sub", [graph.Scalar("one", 1), positive]);
                graph.AddOutput(task.Name, graph.Node("Concat", [negative, positive], OnnxGraphBuilder.Int("axis", 1)), TensorProto.Types.DataType.Float, batch, [2]);
                var decided = graph.Node("GreaterOrEqual", [positive, graph.Scalar("threshold", 0.5f)]);
                var index = graph.Node("Cast", [decided], OnnxGraphBuilder.Int("to", (long)TensorProto.Types.DataType.Int64));
                graph.AddOutput(task.Name + LabelSuffix, graph.Node("Squeeze", [index, graph.Vector("axis1", 1)]), TensorProto.Types.DataType.Int64, batch, []);
                break;
            case TaskKind.MultiLabel:
                graph.AddOutput(task.Name, graph.Node("Sigmoid", [raw]), TensorProto.Types.DataType.Float, batch, [task.OutputSize]);
                break;
            case TaskKind.Regression:
                var values = scaling is null
                    ? raw
                    : graph.Node("Add", [
                        graph.Node("Mul", [raw, graph.Constant("target_scale", scaling.Scale.ToArray(), scaling.Scale.Count)]),
                        graph.Constant("target_mean", scaling.Mean.ToArray(), scaling.Mean.Count)]);
                graph.AddOutput(task.Name, values, TensorProto.Types.DataType.Float, batch, [task.OutputSize]);
                break;
            default:
                throw new InvalidOperationException($"Task '{task.Name}' has an unknown kind {task.Kind}.");
        }
    }
}
