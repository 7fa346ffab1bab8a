using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MultitaskLearning.Inference;
using MultitaskLearning.Tasks;
using Xunit;

namespace MultitaskLearning.Export.Tests;

/// <summary>Runs an exported file in ONNX Runtime with every graph optimisation on and compares each task's outputs
/// with what <see cref="MultitaskPredictor"/> reports for the same raw samples.</summary>
internal static class OnnxParity
{
    /// <summary>The largest difference allowed between ONNX Runtime's and the predictor's probabilities, and between
    /// regression values up to 1 in size; larger values are allowed this much relative to their size, because float32
    /// itself cannot do better (the spacing of float32 numbers near 400 is 3.1e-5).</summary>
    public const double Tolerance = 1e-5;

    /// <summary>Opens a session with ONNX Runtime's full graph optimisation (which also type-checks and infers every
    /// shape of the graph), one thread.</summary>
    public static InferenceSession Open(string path) => new(path, new SessionOptions
    {
        GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        IntraOpNumThreads = 1,
        InterOpNumThreads = 1,
    });

    /// <summary>Runs the session on the given raw samples of each input and compares every output with the predictor.</summary>
    /// <returns>The largest difference seen (absolute up to 1, relative above; see <see cref="Tolerance"/>).</returns>
    public static double Compare(MultitaskModel model, string onnxPath, IReadOnlyDictionary<string, ParityData> samplesByInput)
    {
        using var session = Open(onnxPath);
        using var predictor = model.CreatePredictor();
        var graphInputs = GraphInputNames(session);
        var feeds = samplesByInput.Select(pair => NamedOnnxValue.CreateFromTensor(
            graphInputs[pair.Key], new DenseTensor<float>(pair.Value.Raw, [pair.Value.Count, .. pair.Value.SampleShape]))).ToList();
        using var results = session.Run(feeds);
        var outputs = results.ToDictionary(r => r.Name, r => r, StringComparer.Ordinal);
        var expectedOutputs = model.Definition.Tasks
            .SelectMany(t => t.Kind is TaskKind.Multiclass or TaskKind.Binary ? new[] { t.Name, t.Name + ".label" } : [t.Name])
            .Order(StringComparer.Ordinal);
        Assert.Equal(expectedOutputs, outputs.Keys.Order(StringComparer.Ordinal));

        double worst = 0;
        foreach (var (inputName, data) in samplesByInput)
        {
            var rows = Enumerable.Range(0, data.Count).Select(data.Sample).ToArray();
            var predictions = predictor.PredictBatch(inputName, rows);
            foreach (var task in model.Definition.TasksOf(inputName))
            {
                var values = outputs[task.Name].AsTensor<float>();
                Assert.Equal([data.Count, task.Kind == TaskKind.Binary ? 2 : task.OutputSize], values.Dimensions.ToArray());
                for (var row = 0; row < data.Count; row++)
                {
                    var prediction = predictions[row][task.Name];
                    var expected = Expected(task, prediction);
                    for (var c = 0; c < expected.Length; c++)
                    {
                        var difference = Math.Abs(values[row, c] - expected[c]) / Math.Max(1, Math.Abs(expected[c]));
                        worst = Math.Max(worst, difference);
                        Assert.True(difference <= Tolerance, $"Task '{task.Name}', row {row}, output {c}: ONNX {values[row, c]} vs predictor {expected[c]}.");
                    }

                    if (task.Kind is TaskKind.Multiclass or TaskKind.Binary)
                    {
                        var label = outputs[task.Name + ".label"].AsTensor<long>()[row];
                        Assert.True(label == prediction.ClassIndex, $"Task '{task.Name}', row {row}: ONNX class {label} vs predictor {prediction.ClassIndex}.");
                    }
                    else if (task.Kind == TaskKind.MultiLabel)
                    {
                        var onnxLabels = Enumerable.Range(0, task.OutputSize).Where(c => values[row, c] >= 0.5f).Select(task.LabelOf);
                        Assert.Equal(prediction.Labels, onnxLabels);
                    }
                }
            }
        }

        return worst;
    }

    /// <summary>The graph input of each model input, from the file's <c>multitask.inputs</c> metadata.</summary>
    public static Dictionary<string, string> GraphInputNames(InferenceSession session)
    {
        using var inputs = System.Text.Json.JsonDocument.Parse(session.ModelMetadata.CustomMetadataMap["multitask.inputs"]);
        return inputs.RootElement.EnumerateArray().ToDictionary(
            i => i.GetProperty("name").GetString()!, i => i.GetProperty("graphInput").GetString()!, StringComparer.Ordinal);
    }

    private static double[] Expected(TaskDefinition task, TaskPrediction prediction) => task.Kind switch
    {
        TaskKind.Regression => prediction.Values!.ToArray(),
        TaskKind.Multiclass or TaskKind.MultiLabel or TaskKind.Binary => Enumerable.Range(0, task.Kind == TaskKind.Binary ? 2 : task.OutputSize)
            .Select(c => prediction.Probabilities![task.LabelOf(c)]).ToArray(),
        _ => throw new InvalidOperationException($"Task kind {task.Kind} has no expected ONNX output: add it here."),
    };
}
