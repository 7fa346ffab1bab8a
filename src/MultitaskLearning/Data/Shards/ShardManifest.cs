using System.Text.Json;
using System.Text.Json.Serialization;
using MultitaskLearning.Tasks;

namespace MultitaskLearning.Data.Shards;

/// <summary>The JSON description of a shard store (<c>shards.json</c>): the input, the tasks, the shards and the
/// moments the preprocessing statistics are made from. The shard files' layout is in <see cref="ShardLayout"/>.
/// Unknown fields are an error; the fields marked required must be present.</summary>
internal sealed class ShardManifest
{
    public const string FileName = "shards.json";
    public const string FormatName = "MultitaskLearning.Shards";
    public const int CurrentFormatVersion = 1;

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    [JsonPropertyName("format")]
    [JsonRequired]
    public string? Format { get; set; }

    [JsonPropertyName("formatVersion")]
    [JsonRequired]
    public int FormatVersion { get; set; }

    /// <summary>A random identifier of this store, so a checkpoint can tell whether it is resumed on the same data.</summary>
    [JsonPropertyName("id")]
    [JsonRequired]
    public string? Id { get; set; }

    [JsonPropertyName("input")]
    [JsonRequired]
    public InputEntry? Input { get; set; }

    [JsonPropertyName("tasks")]
    [JsonRequired]
    public List<TaskRecord>? Tasks { get; set; }

    /// <summary>Each task's columns in a shard's target block, in task order (<see cref="TaskDefinition.TargetWidth"/>).</summary>
    [JsonPropertyName("targetWidths")]
    [JsonRequired]
    public int[]? TargetWidths { get; set; }

    [JsonPropertyName("rowsPerShard")]
    [JsonRequired]
    public int RowsPerShard { get; set; }

    [JsonPropertyName("rows")]
    [JsonRequired]
    public long Rows { get; set; }

    [JsonPropertyName("shards")]
    [JsonRequired]
    public List<ShardEntry>? Shards { get; set; }

    [JsonPropertyName("features")]
    [JsonRequired]
    public FeatureMomentsEntry? Features { get; set; }

    [JsonPropertyName("targets")]
    [JsonRequired]
    public List<TargetSumsEntry>? Targets { get; set; }

    internal sealed class InputEntry
    {
        [JsonPropertyName("name")]
        public string? Name { get; set; }

        [JsonPropertyName("sampleShape")]
        public int[]? SampleShape { get; set; }
    }

    internal sealed class ShardEntry
    {
        [JsonPropertyName("file")]
        public string? File { get; set; }

        [JsonPropertyName("rows")]
        public int Rows { get; set; }
    }

    /// <summary>Per feature over all rows: values present, their mean and mean squared deviation (double precision,
    /// summed in row order as <see cref="FeatureStatistics.Compute"/> sums), and where the first missing value is.</summary>
    internal sealed class FeatureMomentsEntry
    {
        [JsonPropertyName("observed")]
        public long[]? Observed { get; set; }

        [JsonPropertyName("mean")]
        public double[]? Mean { get; set; }

        [JsonPropertyName("variance")]
        public double[]? Variance { get; set; }

        /// <summary>The first missing value (NaN) as [row, feature], or null when no value is missing.</summary>
        [JsonPropertyName("firstMissing")]
        public long[]? FirstMissing { get; set; }
    }

    /// <summary>Per task: labelled rows and, per target column, the sum and the sum of squares over them.</summary>
    internal sealed class TargetSumsEntry
    {
        [JsonPropertyName("task")]
        public string? Task { get; set; }

        [JsonPropertyName("labelled")]
        public long Labelled { get; set; }

        [JsonPropertyName("sum")]
        public double[]? Sum { get; set; }

        [JsonPropertyName("sumOfSquares")]
        public double[]? SumOfSquares { get; set; }
    }
}
