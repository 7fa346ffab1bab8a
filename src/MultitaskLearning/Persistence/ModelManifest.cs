using System.Text.Json.Serialization;
using MultitaskLearning.Tasks;

namespace MultitaskLearning.Persistence;

/// <summary>The JSON manifest stored next to the weights in a model file. Version 2 adds the <c>digest.sha256</c>
/// entry (SHA-256 over every other entry, so the manifest is covered too); version 1 files are still read. Unknown
/// fields are an error; the fields marked required must be present.</summary>
internal sealed class ModelManifest
{
    public const string FormatName = "MultitaskLearning.Model";
    public const int CurrentFormatVersion = 2;

    /// <summary>The oldest version this library reads (version 1: no digest entry).</summary>
    public const int OldestReadableFormatVersion = 1;

    [JsonPropertyName("format")]
    [JsonRequired]
    public string? Format { get; set; }

    [JsonPropertyName("formatVersion")]
    [JsonRequired]
    public int FormatVersion { get; set; }

    [JsonPropertyName("libraryVersion")]
    public string? LibraryVersion { get; set; }

    [JsonPropertyName("createdUtc")]
    public DateTime CreatedUtc { get; set; }

    [JsonPropertyName("family")]
    [JsonRequired]
    public string? Family { get; set; }

    [JsonPropertyName("architecture")]
    [JsonRequired]
    public ArchitectureEntry? Architecture { get; set; }

    [JsonPropertyName("inputs")]
    [JsonRequired]
    public List<InputEntry>? Inputs { get; set; }

    [JsonPropertyName("tasks")]
    [JsonRequired]
    public List<TaskRecord>? Tasks { get; set; }

    [JsonPropertyName("taskBlocks")]
    [JsonRequired]
    public List<string[]>? TaskBlocks { get; set; }

    [JsonPropertyName("featureStatistics")]
    [JsonRequired]
    public List<FeatureStatisticsEntry>? FeatureStatistics { get; set; }

    [JsonPropertyName("targetStatistics")]
    [JsonRequired]
    public List<TargetStatisticsEntry>? TargetStatistics { get; set; }

    [JsonPropertyName("parameters")]
    [JsonRequired]
    public List<ParameterEntry>? Parameters { get; set; }

    [JsonPropertyName("weightsLength")]
    [JsonRequired]
    public long WeightsLength { get; set; }

    [JsonPropertyName("weightsSha256")]
    [JsonRequired]
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
