namespace MultitaskLearning.Data;

/// <summary>A dataset built from labelled files, the files in row order, and what was loaded or skipped.</summary>
/// <param name="Dataset">The dataset.</param>
/// <param name="Files">The files used, in dataset row order.</param>
/// <param name="Report">Counts, skipped files and cache use.</param>
public sealed record LabeledFileData(MultitaskDataset Dataset, IReadOnlyList<LabeledFile> Files, FileLoadReport Report);
