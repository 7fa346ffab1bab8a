namespace MultitaskLearning.Audio;

/// <summary>How <see cref="SpeechDatasetReader"/> turns audio files and their fields into a multitask dataset.</summary>
public sealed class SpeechDatasetOptions
{
    /// <summary>The input name of the features.</summary>
    /// <value>Default "audio".</value>
    public string InputName { get; set; } = "audio";

    /// <summary>Feature settings.</summary>
    /// <value>Default: 16 kHz, 1 s, 40 log-mel bands.</value>
    public AudioFeatureOptions Features { get; set; } = new();

    /// <summary>Which field labels which task: task name → field name (for example "speech" → "text", "digit" → "digit").</summary>
    /// <value>Default empty: each task reads the field with its own name.</value>
    public IReadOnlyDictionary<string, string> TaskFields { get; set; } = new Dictionary<string, string>();

    /// <summary>Whether field text is normalised (trim, lower case, collapse spaces, strip punctuation) before the vocabulary lookup.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool NormalizeText { get; set; } = true;

    /// <summary>Whether bad files (unreadable, unsupported, missing, unknown label) are skipped and reported instead of throwing.</summary>
    /// <value>Default <see langword="false"/>: the first bad file throws an error naming it.</value>
    public bool SkipBadFiles { get; set; }

    /// <summary>Parallel decoders.</summary>
    /// <value>Default: the number of processors.</value>
    public int MaxDegreeOfParallelism { get; set; } = Environment.ProcessorCount;
}
