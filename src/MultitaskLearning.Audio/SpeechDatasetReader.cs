using MultitaskLearning.Data;
using MultitaskLearning.Data.Shards;
using MultitaskLearning.Tasks;

namespace MultitaskLearning.Audio;

/// <summary>
/// The speech-text task adapter: decodes WAV files (in parallel, through a <see cref="FeatureCache"/> so nothing is
/// decoded twice), computes log-mel or MFCC features of shape [1, rows, frames], maps transcripts and other fields to
/// task labels (through the tasks' vocabularies, after text normalisation), and returns a <see cref="MultitaskDataset"/>.
/// Bad input is an error naming the file (and manifest row), or is skipped and reported.
/// </summary>
public static class SpeechDatasetReader
{
    /// <summary>Builds a dataset from audio files.</summary>
    /// <param name="files">The files and their fields (see <see cref="LabeledFileSources"/>).</param>
    /// <param name="tasks">The tasks to label.</param>
    /// <param name="features">Feature settings.</param>
    /// <param name="options">Field mapping and error policy; <see langword="null"/> for defaults with input name "audio".</param>
    /// <param name="cache">A feature cache to share between calls; <see langword="null"/> uses a private in-memory one.</param>
    /// <param name="augmentation">Augmented copies to add (training data only); <see langword="null"/> for none.</param>
    /// <returns>The dataset, the files in row order and the load report.</returns>
    /// <exception cref="InvalidDataException">A file is bad and <see cref="LabeledFileDatasetOptions.SkipBadFiles"/> is off.</exception>
    public static LabeledFileData Read(
        IReadOnlyList<LabeledFile> files,
        IReadOnlyList<TaskDefinition> tasks,
        AudioFeatureOptions features,
        LabeledFileDatasetOptions? options = null,
        FeatureCache? cache = null,
        AudioAugmentation? augmentation = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        var extractor = new AudioFeatureExtractor(features);
        options ??= new LabeledFileDatasetOptions { InputName = "audio" };
        return LabeledFileDataset.Build(
            files,
            tasks,
            options,
            features.FeatureShape,
            "audio|decoder-2|" + features.Describe(), // decoder-2: headers and non-finite samples checked; older entries are not reused
            path => extractor.Extract(WaveDecoder.Decode(path, features.MaxDurationSeconds)),
            cache,
            "Audio",
            augmentation is null ? null : (path, random) => augmentation.Apply(path, extractor, random),
            augmentation?.Copies ?? 0,
            augmentation?.Seed ?? 0);
    }

    /// <summary>Writes audio files' features to a shard store, <paramref name="filesPerBlock"/> files at a time, for
    /// corpora larger than memory (see <see cref="LabeledFileDataset.WriteShards"/>).</summary>
    /// <param name="files">The files and their fields.</param>
    /// <param name="tasks">The tasks to label (the writer's tasks).</param>
    /// <param name="features">Feature settings; the writer's sample shape must be their <see cref="AudioFeatureOptions.FeatureShape"/>.</param>
    /// <param name="writer">The store being written; complete it afterwards.</param>
    /// <param name="options">Field mapping and error policy; its input name must be the writer's.</param>
    /// <param name="filesPerBlock">Files decoded at once.</param>
    /// <returns>The load report over all files.</returns>
    /// <exception cref="InvalidDataException">A file is bad and skipping is off.</exception>
    public static FileLoadReport WriteShards(
        IReadOnlyList<LabeledFile> files,
        IReadOnlyList<TaskDefinition> tasks,
        AudioFeatureOptions features,
        ShardedDatasetWriter writer,
        LabeledFileDatasetOptions? options = null,
        int filesPerBlock = 1024) =>
        LabeledFileDataset.WriteShards(files, filesPerBlock, block => Read(block, tasks, features, options), writer);
}
