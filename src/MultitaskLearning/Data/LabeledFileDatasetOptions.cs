namespace MultitaskLearning.Data;

/// <summary>How a file-based adapter maps file fields to tasks and handles bad files.</summary>
public sealed class LabeledFileDatasetOptions
{
    /// <summary>The input name of the samples.</summary>
    /// <value>Default "input".</value>
    public string InputName { get; set; } = "input";

    /// <summary>Which field labels which task: task name → field name. Tasks not listed read the field with their own name.</summary>
    /// <value>Default empty.</value>
    public IReadOnlyDictionary<string, string> TaskFields { get; set; } = new Dictionary<string, string>();

    /// <summary>Whether field text is normalised before the vocabulary lookup.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool NormalizeText { get; set; } = true;

    /// <summary>The text normalisation used when <see cref="NormalizeText"/> is on.</summary>
    /// <value>Default <see cref="FieldLabels.Normalize"/> (trim, lower case, collapse spaces, strip surrounding punctuation).</value>
    public Func<string, string> TextNormalizer { get; set; } = FieldLabels.Normalize;

    /// <summary>Whether bad files (unreadable, unsupported, missing, unknown label) are skipped and reported instead of throwing.</summary>
    /// <value>Default <see langword="false"/>: the first bad file throws an error naming it (and its manifest row).</value>
    public bool SkipBadFiles { get; set; }

    /// <summary>Receives a warning for every skipped file (with its manifest row and the reason).</summary>
    /// <value>Default <see cref="Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance"/>.</value>
    public Microsoft.Extensions.Logging.ILogger Logger { get; set; } = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    /// <summary>Parallel decoders.</summary>
    /// <value>Default: the number of processors.</value>
    public int MaxDegreeOfParallelism { get; set; } = Environment.ProcessorCount;
}
