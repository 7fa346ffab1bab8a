using MultitaskLearning.Data;
using MultitaskLearning.Tasks;

namespace MultitaskLearning.Audio;

/// <summary>
/// The speech-text task adapter: decodes WAV files (in parallel, through a <see cref="FeatureCache"/> so nothing is
/// decoded twice), computes log-mel or MFCC features, maps transcripts and other fields to task labels, and returns a
/// <see cref="MultitaskDataset"/>. Bad input is an error naming the file (and manifest row), or is skipped and reported.
/// </summary>
public static class SpeechDatasetReader
{
    /// <summary>Builds a dataset from audio items.</summary>
    /// <param name="items">The files and their fields (see <see cref="AudioSources"/>).</param>
    /// <param name="tasks">The tasks to label.</param>
    /// <param name="options">Features, field mapping and error policy.</param>
    /// <param name="cache">A feature cache to share between calls; <see langword="null"/> uses a private in-memory one.</param>
    /// <returns>The dataset, the files in row order and the load report.</returns>
    /// <exception cref="InvalidDataException">A file is bad and <see cref="SpeechDatasetOptions.SkipBadFiles"/> is off.</exception>
    public static SpeechData Read(IReadOnlyList<AudioItem> items, IReadOnlyList<TaskDefinition> tasks, SpeechDatasetOptions options, FeatureCache? cache = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(options);
        var extractor = new AudioFeatureExtractor(options.Features);
        cache ??= new FeatureCache();
        var settings = "audio|" + options.Features.Describe();
        var decodesBefore = cache.Decodes;
        var hitsBefore = cache.Hits;

        var features = new float[items.Count][];
        var labels = new double[items.Count][];
        var errors = new string?[items.Count];
        Parallel.For(0, items.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.MaxDegreeOfParallelism) }, i =>
        {
            var item = items[i];
            labels[i] = new double[tasks.Count];
            for (var t = 0; t < tasks.Count; t++)
            {
                var field = options.TaskFields.TryGetValue(tasks[t].Name, out var name) ? name : tasks[t].Name;
                if (!item.Fields.TryGetValue(field, out var value))
                {
                    errors[i] = $"it has no field '{field}' for task '{tasks[t].Name}' (fields: {string.Join(", ", item.Fields.Keys)})";
                    return;
                }

                labels[i][t] = FieldLabels.Resolve(tasks[t], value, options.NormalizeText, out var labelError);
                if (labelError is not null)
                {
                    errors[i] = labelError;
                    return;
                }
            }

            if (!File.Exists(item.Path))
            {
                errors[i] = "the file does not exist";
                return;
            }

            try
            {
                features[i] = cache.GetOrAdd(item.Path, settings, path => extractor.Extract(WaveDecoder.Decode(path)));
            }
            catch (InvalidDataException ex)
            {
                errors[i] = ex.Message;
            }
        });

        var skipped = new List<SkippedFile>();
        for (var i = 0; i < items.Count; i++)
        {
            if (errors[i] is not { } error)
            {
                continue;
            }

            if (!options.SkipBadFiles)
            {
                throw new InvalidDataException($"Audio {items[i].Describe()}: {error}.");
            }

            skipped.Add(new SkippedFile(items[i].Path, items[i].ManifestRow, error));
        }

        var kept = Enumerable.Range(0, items.Count).Where(i => errors[i] is null).ToArray();
        if (kept.Length == 0)
        {
            throw new InvalidDataException($"None of the {items.Count} audio files could be used{(skipped.Count > 0 ? $"; first problem: {skipped[0].Reason}" : string.Empty)}.");
        }

        var size = options.Features.FeatureRows * options.Features.FrameCount;
        var values = new float[kept.Length * size];
        for (var k = 0; k < kept.Length; k++)
        {
            features[kept[k]].CopyTo(values, k * size);
        }

        var columns = tasks.Select((task, t) => (task.Name, Column: FieldLabels.ToColumn(task, kept.Select(i => labels[i][t]).ToArray())))
            .ToDictionary(x => x.Name, x => x.Column, StringComparer.Ordinal);
        var dataset = new MultitaskDatasetBuilder(tasks).AddSamples(options.InputName, values, options.Features.FeatureShape, columns).Build();
        var report = new FileLoadReport(items.Count, kept.Length, skipped, cache.Decodes - decodesBefore, cache.Hits - hitsBefore);
        return new SpeechData(dataset, kept.Select(i => items[i]).ToArray(), report);
    }
}
