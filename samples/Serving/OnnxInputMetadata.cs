using System.Text.Json.Serialization;

namespace MultitaskLearning.Samples.Serving;

/// <summary>One entry of an ONNX file's <c>multitask.inputs</c> metadata.</summary>
/// <param name="Name">The model input's name (what requests say).</param>
/// <param name="GraphInput">The graph input that takes its samples (the same name unless a task has it).</param>
/// <param name="Shape">The sample shape without the batch dimension.</param>
/// <param name="MissingValues">How missing values are filled in ("Error": they are not, and the server refuses them).</param>
internal sealed record OnnxInputMetadata(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("graphInput")] string GraphInput,
    [property: JsonPropertyName("shape")] int[] Shape,
    [property: JsonPropertyName("missingValues")] string MissingValues);
