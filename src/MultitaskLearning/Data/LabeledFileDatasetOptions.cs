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

    /// <summary>Whether bad files are skipped and reported (in <see cref="FileLoadReport.Skipped"/> and as a logged warning)
    /// instead of throwing. A file is bad when it is missing, lacks a label field or has an unknown label, or when
    /// decoding it fails in any way: unreadable, unsupported, truncated or corrupt content, a header beyond the
    /// decoder's limits (image pixels, audio duration), non-finite samples, the wrong number of values, or any other
    /// exception the decoder throws for it, including running out of memory for that file. I/O failures that are not
    /// about the file's content (a failing disk, the feature cache's folder) are never skipped.</summary>
    /// <value>Default <see langword="false"/>: the first bad file in file order throws an
    /// <see cref="InvalidDataException"/> naming it (and its manifest row) and the problem.</value>
    public bool SkipBadFiles { get; set; }

    /// <summary>Receives a warning for every skipped file (with its manifest row and the reason).</summary>
    /// <value>Default <see cref="Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance"/>.</value>
    public Microsoft.Extensions.Logging.ILogger Logger { get; set; } = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    /// <summary>Parallel decoders.</summary>
    /// <value>Default: the number of processors.</value>
    public int MaxDegreeOfParallelism { get; set; } = Environment.ProcessorCount;
}
