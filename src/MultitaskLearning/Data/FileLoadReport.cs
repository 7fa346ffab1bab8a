namespace MultitaskLearning.Data;

/// <summary>What a file-based adapter (audio, images) did: how many files it used, which it skipped and why, and
/// how many it decoded versus took from its feature cache.</summary>
/// <param name="Files">Files listed by the source.</param>
/// <param name="Loaded">Files turned into samples.</param>
/// <param name="Skipped">Files skipped (only when skipping bad files was requested; otherwise the first bad file throws).</param>
/// <param name="Decoded">Files decoded in this call (the rest came from the cache).</param>
/// <param name="CacheHits">Files whose features came from the cache.</param>
public sealed record FileLoadReport(int Files, int Loaded, IReadOnlyList<SkippedFile> Skipped, long Decoded, long CacheHits);
