using System.Text.Json.Serialization;

namespace MultitaskLearning.Samples;

/// <summary>One result of a sample run, as written by <c>--json</c>.</summary>
/// <param name="Model">Stable kebab-case model name, for example <c>shared-trunk</c> or <c>ridge</c>.</param>
/// <param name="Task">The task name, or <c>all</c> for a pooled value.</param>
/// <param name="Metric">Stable kebab-case metric name, for example <c>explained-variance</c>.</param>
/// <param name="Split">The split the value was measured on, usually <c>test</c>.</param>
/// <param name="Value">The value, as a fraction (not a percentage).</param>
/// <param name="Run">The seed or split index of the run.</param>
public sealed record ResultRow(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("task")] string Task,
    [property: JsonPropertyName("metric")] string Metric,
    [property: JsonPropertyName("split")] string Split,
    [property: JsonPropertyName("value")] double Value,
    [property: JsonPropertyName("run")] int Run);
