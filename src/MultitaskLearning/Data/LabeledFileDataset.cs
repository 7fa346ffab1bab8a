using MultitaskLearning.Tasks;

namespace MultitaskLearning.Data;

/// <summary>
/// The shared engine of file-based adapters: resolves each file's label fields for every task, decodes the files in
/// parallel through a <see cref="FeatureCache"/>, and builds a <see cref="MultitaskDataset"/>. A bad file throws an
/// <see cref="InvalidDataException"/> naming it (and its manifest row), or is skipped and listed in the report.
/// </summary>
public static class LabeledFileDataset
{
    /// <summary>Builds the dataset.</summary>
    /// <param name="files">The files and their fields.</param>
    /// <param name="tasks">The tasks.</param>
    /// <param name="options">Field mapping and error policy.</param>
    /// <param name="sampleShape">The shape every decoded sample has.</param>
    /// <param name="settings">A canonical description of the decoding settings (part of the cache key).</param>
    /// <param name="decode">Decodes one file into a sample; throws <see cref="InvalidDataException"/> for a bad file.</param>
    /// <param name="cache">The cache; <see langword="null"/> for a private in-memory one.</param>
    /// <param name="kind">What the files are, for messages ("Audio", "Image").</param>
    /// <param name="augment">Makes one augmented sample of a file from a seeded random source (for training data);
    /// <see langword="null"/> for none.</param>
    /// <param name="copies">Augmented samples per file, appended after the originals with the same labels.</param>
    /// <param name="seed">Seed of the augmentation; each (file, copy) gets its own generator, so results do not depend on thread scheduling.</param>
    /// <returns>The dataset, the files used (augmented rows repeat their file) and the report.</returns>
    public static LabeledFileData Build(
        IReadOnlyList<LabeledFile> files,
        IReadOnlyList<TaskDefinition> tasks,
        LabeledFileDatasetOptions options,
        int[] sampleShape,
        string settings,
        Func<string, float[]> decode,
        FeatureCache? cache,
        string kind,
        Func<string, Random, float[]>? augment = null,
        int copies = 0,
        int seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(copies);
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(decode);
        cache ??= new FeatureCache();
        var decodesBefore = cache.Decodes;
        var hitsBefore = cache.Hits;
        var size = sampleShape.Aggregate(1, (a, b) => a * b);
        var samples = new float[files.Count][];
        var labels = new double[files.Count][];
        var errors = new string?[files.Count];
        Parallel.For(0, files.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.MaxDegreeOfParallelism) }, i =>
        {
            var file = files[i];
            labels[i] = new double[tasks.Count];
            for (var t = 0; t < tasks.Count; t++)
            {
                var field = options.TaskFields.TryGetValue(tasks[t].Name, out var name) ? name : tasks[t].Name;
                if (!file.Fields.TryGetValue(field, out var value))
                {
                    errors[i] = $"it has no field '{field}' for task '{tasks[t].Name}' (fields: {string.Join(", ", file.Fields.Keys)})";
                    return;
                }

                labels[i][t] = FieldLabels.Resolve(tasks[t], value, options.NormalizeText ? options.TextNormalizer : null, out var labelError);
                if (labelError is not null)
                {
                    errors[i] = labelError;
                    return;
                }
            }

            if (!File.Exists(file.Path))
            {
                errors[i] = "the file does not exist";
                return;
            }

            try
            {
                var sample = cache.GetOrAdd(file.Path, settings, decode);
                errors[i] = sample.Length == size ? null : $"it decoded to {sample.Length} values instead of {size}";
                samples[i] = sample;
            }
            catch (InvalidDataException ex)
            {
                errors[i] = ex.Message;
            }
        });

        var skipped = new List<SkippedFile>();
        for (var i = 0; i < files.Count; i++)
        {
            if (errors[i] is not { } error)
            {
                continue;
            }

            if (!options.SkipBadFiles)
            {
                throw new InvalidDataException($"{kind} {files[i].Describe()}: {error}.");
            }

            skipped.Add(new SkippedFile(files[i].Path, files[i].ManifestRow, error));
            Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(options.Logger, "Skipped {Kind} {File}: {Reason}.", kind.ToLowerInvariant(), files[i].Describe(), error);
        }

        var kept = Enumerable.Range(0, files.Count).Where(i => errors[i] is null).ToArray();
        if (kept.Length == 0)
        {
            throw new InvalidDataException($"None of the {files.Count} {kind.ToLowerInvariant()} files could be used{(skipped.Count > 0 ? $"; first problem: {skipped[0].Reason}" : string.Empty)}.");
        }

        // Originals first, then `copies` augmented samples of every kept file, in file order.
        var rows = augment is null ? kept : kept.Concat(Enumerable.Range(0, copies).SelectMany(_ => kept)).ToArray();
        var values = new float[rows.Length * size];
        for (var k = 0; k < kept.Length; k++)
        {
            samples[kept[k]].CopyTo(values, k * size);
        }

        if (augment is not null && copies > 0)
        {
            Parallel.For(kept.Length, rows.Length, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.MaxDegreeOfParallelism) }, r =>
            {
                var copy = (r / kept.Length) - 1;
                var sample = augment(files[rows[r]].Path, new Random(unchecked((seed * 1_000_003) + (rows[r] * 7_919) + copy)));
                if (sample.Length != size)
                {
                    throw new InvalidOperationException($"Augmentation of {files[rows[r]].Describe()} produced {sample.Length} values instead of {size}.");
                }

                sample.CopyTo(values, r * size);
            });
        }

        var columns = tasks.Select((task, t) => (task.Name, Column: FieldLabels.ToColumn(task, rows.Select(i => labels[i][t]).ToArray())))
            .ToDictionary(x => x.Name, x => x.Column, StringComparer.Ordinal);
        var dataset = new MultitaskDatasetBuilder(tasks).AddSamples(options.InputName, values, sampleShape, columns).Build();
        var report = new FileLoadReport(files.Count, kept.Length, skipped, cache.Decodes - decodesBefore, cache.Hits - hitsBefore);
        return new LabeledFileData(dataset, rows.Select(i => files[i]).ToArray(), report);
    }
}
