using System.Text.Json.Serialization;

namespace MultitaskLearning.Tasks;

/// <summary>A task as the files of this library store it in JSON (a model file's manifest, a PyTorch export's
/// <c>manifest.json</c>, a shard store's <c>shards.json</c>): one mapping between <see cref="TaskDefinition"/> and
/// its fields.</summary>
internal sealed class TaskRecord
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("kind")]
    public string? Kind { get; set; }

    [JsonPropertyName("outputSize")]
    public int OutputSize { get; set; }

    [JsonPropertyName("labels")]
    public string[]? Labels { get; set; }

    [JsonPropertyName("loss")]
    public string? Loss { get; set; }

    [JsonPropertyName("huberDelta")]
    public double HuberDelta { get; set; } = 1;

    [JsonPropertyName("metrics")]
    public string[]? Metrics { get; set; }

    [JsonPropertyName("weight")]
    public double Weight { get; set; } = 1;

    [JsonPropertyName("input")]
    public string? Input { get; set; }

    /// <summary>The record of a task that reads <paramref name="input"/>.</summary>
    public static TaskRecord From(TaskDefinition task, string input) => new()
    {
        Name = task.Name,
        Kind = task.Kind.ToString(),
        OutputSize = task.OutputSize,
        Labels = task.Vocabulary?.Labels.ToArray(),
        Loss = task.Loss.ToString(),
        HuberDelta = task.HuberDelta,
        Metrics = task.Metrics.Select(m => m.ToName()).ToArray(),
        Weight = task.Weight,
        Input = input,
    };

    /// <summary>The task this record describes.</summary>
    /// <exception cref="ArgumentException">A field is invalid (an unknown kind or loss, a bad size or weight).</exception>
    /// <exception cref="FormatException">A metric name is unknown.</exception>
    public TaskDefinition ToDefinition() => new(
        Name ?? string.Empty,
        Enum.Parse<TaskKind>(Kind ?? string.Empty),
        OutputSize,
        Labels is null ? null : new LabelVocabulary(Labels),
        Enum.Parse<LossKind>(Loss ?? string.Empty),
        (Metrics ?? []).Select(MetricKindExtensions.ParseMetricName),
        Weight) { HuberDelta = HuberDelta };
}
