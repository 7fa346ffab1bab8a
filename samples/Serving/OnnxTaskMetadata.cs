using System.Text.Json.Serialization;

namespace MultitaskLearning.Samples.Serving;

/// <summary>One entry of an ONNX file's <c>multitask.tasks</c> metadata.</summary>
/// <param name="Name">The task's name.</param>
/// <param name="Kind">Multiclass, Binary, MultiLabel or Regression.</param>
/// <param name="Input">The input the task reads.</param>
/// <param name="Labels">The label names in output order (regression: the output names).</param>
/// <param name="OutputSize">The task's output size in the library (1 for a binary task).</param>
/// <param name="Output">The graph output with its probabilities or values.</param>
/// <param name="LabelOutput">The graph output with its predicted class (multiclass and binary tasks; otherwise null).</param>
internal sealed record OnnxTaskMetadata(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("input")] string Input,
    [property: JsonPropertyName("labels")] string[]? Labels,
    [property: JsonPropertyName("outputSize")] int OutputSize,
    [property: JsonPropertyName("output")] string Output,
    [property: JsonPropertyName("labelOutput")] string? LabelOutput);
