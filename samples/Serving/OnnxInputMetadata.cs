using System.Text.Json.Serialization;

namespace MultitaskLearning.Samples.Serving;

/// <summary>One entry of an ONNX file's <c>multitask.inputs</c> metadata.</summary>
/// <param name="Name">The input's name, also the graph input's.</param>
/// <param name="Shape">The sample shape without the batch dimension.</param>
/// <param name="MissingValues">How missing values are filled in (optional; absent or "Error": they are not).</param>
internal sealed record OnnxInputMetadata(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("shape")] int[] Shape,
    [property: JsonPropertyName("missingValues")] string? MissingValues = null);
