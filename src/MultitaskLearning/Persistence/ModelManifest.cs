using System.Text.Json.Serialization;

namespace MultitaskLearning.Persistence;

/// <summary>The JSON manifest stored next to the weights in a model file (format version 1).</summary>
internal sealed class ModelManifest
{
    public const string FormatName = "MultitaskLearning.Model";
    public const int CurrentFormatVersion = 1;

    [JsonPropertyName("format")]
    public string? Format { get; set; }

    [JsonPropertyName("formatVersion")]
    public int FormatVersion { get; set; }

    [JsonPropertyName("libraryVersion")]
    public string? LibraryVersion { get; set; }

    [JsonPropertyName("createdUtc")]
    public DateTime CreatedUtc { get; set; }

    [JsonPropertyName("family")]
    public string? Family { get; set; }

    [JsonPropertyName("architecture")]
    public ArchitectureEntry? Architecture { get; set; }

    [JsonPropertyName("inputs")]
    public List<InputEntry>? Inputs { get; set; }

    [JsonPropertyName("tasks")]
    public List<TaskEntry>? Tasks { get; set; }

    [JsonPropertyName("taskBlocks")]
    public List<string[]>? TaskBlocks { get; set; }

    [JsonPropertyName("featureStatistics")]
    public List<FeatureStatisticsEntry>? FeatureStatistics { get; set; }

    [JsonPropertyName("targetStatistics")]
    public List<TargetStatisticsEntry>? TargetStatistics { get; set; }

    [JsonPropertyName("parameters")]
    public List<ParameterEntry>? Parameters { get; set; }

    [JsonPropertyName("weightsLength")]
    public long WeightsLength { get; set; }

    [JsonPropertyName("weightsSha256")]
    public string? WeightsSha256 { get; set; }

    internal sealed class ArchitectureEntry
    {
        [JsonPropertyName("trunkLayers")]
        public int[]? TrunkLayers { get; set; }

        [JsonPropertyName("towerLayers")]
        public int[]? TowerLayers { get; set; }

        [JsonPropertyName("experts")]
        public int Experts { get; set; } = 4;

        [JsonPropertyName("taskExperts")]
        public int TaskExperts { get; set; } = 1;

        [JsonPropertyName("activation")]
        public string? Activation { get; set; }

        [JsonPropertyName("dropout")]
        public double Dropout { get; set; }
    }

    internal sealed class InputEntry
    {
        [JsonPropertyName("name")]
        public string? Name { get; set; }

        [JsonPropertyName("sampleShape")]
        public int[]? SampleShape { get; set; }

        [JsonPropertyName("encoderLayers")]
        public int[]? EncoderLayers { get; set; }

        [JsonPropertyName("encoder")]
        public string? Encoder { get; set; }

        [JsonPropertyName("convolutionChannels")]
        public int[]? ConvolutionChannels { get; set; }

        [JsonPropertyName("standardize")]
        public bool Standardize { get; set; }

        [JsonPropertyName("missingValues")]
        public string? MissingValues { get; set; }
    }

    internal sealed class TaskEntry
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
    }

    internal sealed class FeatureStatisticsEntry
    {
        [JsonPropertyName("input")]
        public string? Input { get; set; }

        [JsonPropertyName("mean")]
        public float[]? Mean { get; set; }

        [JsonPropertyName("scale")]
        public float[]? Scale { get; set; }

        [JsonPropertyName("fill")]
        public float[]? Fill { get; set; }
    }

    internal sealed class TargetStatisticsEntry
    {
        [JsonPropertyName("task")]
        public string? Task { get; set; }

        [JsonPropertyName("mean")]
        public float[]? Mean { get; set; }

        [JsonPropertyName("scale")]
        public float[]? Scale { get; set; }
    }

    internal sealed class ParameterEntry
    {
        [JsonPropertyName("name")]
        public string? Name { get; set; }

        [JsonPropertyName("shape")]
        public long[]? Shape { get; set; }
    }
}
