using MultitaskLearning.Data;

namespace MultitaskLearning.Audio;

/// <summary>A dataset built from audio files, the files in row order, and what was loaded or skipped.</summary>
/// <param name="Dataset">The dataset: one input of shape [1, rows, frames] and the tasks' labels.</param>
/// <param name="Items">The files used, in dataset row order.</param>
/// <param name="Report">Counts, skipped files and cache use.</param>
public sealed record SpeechData(MultitaskDataset Dataset, IReadOnlyList<AudioItem> Items, FileLoadReport Report);
