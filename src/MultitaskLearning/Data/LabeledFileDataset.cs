using MultitaskLearning.Tasks;

namespace MultitaskLearning.Data;

/// <summary>
/// The shared engine of file-based adapters: resolves each file's label fields for every task, decodes the files in
/// parallel through a <see cref="FeatureCache"/>, and builds a <see cref="MultitaskDataset"/>. A bad file throws an
/// <see cref="InvalidDataException"/> naming it (and its manifest row), or is skipped and listed in the report.
/// Whatever a decoder throws for one file (an <see cref="InvalidDataException"/>, but also any other exception such as
/// <see cref="ArgumentException"/>, <see cref="OutOfMemoryException"/> from that file's allocation, or a bare
/// <see cref="Exception"/>) makes that file bad; only I/O failures other than a short read or a missing file,
/// cancellation, and failures of the cache itself are rethrown as they are. Decoded samples must be finite.
/// Exceptions are never wrapped in an <see cref="AggregateException"/>: the first failing file, in file order, throws.
/// </summary>
public static class LabeledFileDataset
{
    /// <summary>Reads files a block at a time with an adapter and appends each block's samples to a shard store, so a
    /// corpus larger than memory never has to be in memory at once (the adapters' <c>WriteShards</c> call this).</summary>
    /// <param name="files">The files, in the order their samples are written.</param>
    /// <param name="filesPerBlock">Files read at once.</param>
    /// <param name="read">Reads one block, for example <c>block =&gt; SpeechDatasetReader.Read(block, tasks, features)</c>.</param>
    /// <param name="writer">The store being written; complete it afterwards.</param>
    /// <returns>The blocks' reports together.</returns>
    /// <exception cref="InvalidDataException">A block's read failed (a bad file without skipping, or a block of only bad files).</exception>
    public static FileLoadReport WriteShards(IReadOnlyList<LabeledFile> files, int filesPerBlock, Func<IReadOnlyList<LabeledFile>, LabeledFileData> read, Shards.ShardedDatasetWriter writer)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(filesPerBlock);
        var report = new FileLoadReport(0, 0, [], 0, 0);
        foreach (var block in files.Chunk(filesPerBlock))
        {
            var data = read(block);
            writer.Append(data.Dataset);
            report = new FileLoadReport(
                report.Files + data.Report.Files,
                report.Loaded + data.Report.Loaded,
                [.. report.Skipped, .. data.Report.Skipped],
                report.Decoded + data.Report.Decoded,
                report.CacheHits + data.Report.CacheHits);
        }

        return report;
    }

    /// <summary>Builds the dataset.</summary>
    /// <param name="files">The files and their fields.</param>
    /// <param name="tasks">The tasks.</param>
    /// <param name="options">Field mapping and error policy.</param>
    /// <param name="sampleShape">The shape every decoded sample has.</param>
    /// <param name="settings">A canonical description of the decoding settings (part of the cache key).</param>
    /// <param name="decode">Decodes one file into a sample; throws <see cref="InvalidDataException"/> (naming the file) for a bad file.
    /// Any other exception it throws, except <see cref="IOException"/>s other than <see cref="EndOfStreamException"/>,
    /// <see cref="FileNotFoundException"/> and <see cref="DirectoryNotFoundException"/>, and
    /// <see cref="OperationCanceledException"/>, also marks the file bad (its type and message become the reason).</param>
    /// <param name="cache">The cache; <see langword="null"/> for a private in-memory one.</param>
    /// <param name="kind">What the files are, for messages ("Audio", "Image").</param>
    /// <param name="augment">Makes one augmented sample of a file from a seeded random source (for training data);
    /// <see langword="null"/> for none.</param>
    /// <param name="copies">Augmented samples per file, appended after the originals with the same labels.</param>
    /// <param name="seed">Seed of the augmentation; each (file, copy) gets its own generator, so results do not depend on thread scheduling.</param>
    /// <returns>The dataset, the files used (augmented rows repeat their file) and the report.</returns>
    /// <exception cref="InvalidDataException">A file is bad (missing, a missing or unknown label, undecodable, the wrong
    /// number of values, a non-finite value) and <see cref="LabeledFileDatasetOptions.SkipBadFiles"/> is off: the first
    /// bad file in file order, its message "{kind} [manifest row r, ]file 'path': reason." and the decoder's exception
    /// as <see cref="Exception.InnerException"/>; or no file could be used; or an augmented copy of a file failed to decode.</exception>
    /// <exception cref="IOException">Reading a file or writing the cache failed for a reason other than its content.</exception>
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
        var causes = new Exception?[files.Count];
        var failures = new Exception?[files.Count];
        Parallel.For(0, files.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.MaxDegreeOfParallelism) }, i =>
        {
            // Nothing escapes the loop body: per-file problems go to errors[i], anything else to failures[i]; both are
            // rethrown after the loop in file order, so callers never see an AggregateException or a random file.
            try
            {
                errors[i] = Load(files[i], i);
            }
            catch (Exception ex)
            {
                failures[i] = ex;
            }
        });

        string? Load(LabeledFile file, int i)
        {
            labels[i] = new double[tasks.Count];
            for (var t = 0; t < tasks.Count; t++)
            {
                var field = options.TaskFields.TryGetValue(tasks[t].Name, out var name) ? name : tasks[t].Name;
                if (!file.Fields.TryGetValue(field, out var value))
                {
                    return $"it has no field '{field}' for task '{tasks[t].Name}' (fields: {string.Join(", ", file.Fields.Keys)})";
                }

                labels[i][t] = FieldLabels.Resolve(tasks[t], value, options.NormalizeText ? options.TextNormalizer : null, out var labelError);
                if (labelError is not null)
                {
                    return labelError;
                }
            }

            if (!File.Exists(file.Path))
            {
                return "the file does not exist";
            }

            float[] sample;
            try
            {
                sample = cache.GetOrAdd(file.Path, settings, path =>
                {
                    try
                    {
                        return decode(path);
                    }
                    catch (Exception ex) when (IsFileProblem(ex))
                    {
                        throw new DecodeFailure(ex);
                    }
                });
            }
            catch (DecodeFailure failure)
            {
                causes[i] = failure.InnerException;
                return Reason(failure.InnerException!);
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or FileNotFoundException or DirectoryNotFoundException)
            {
                // The cache reads the file to hash it before decoding: the same problems of this one file.
                causes[i] = ex;
                return Reason(ex);
            }

            if (sample.Length != size)
            {
                return $"it decoded to {sample.Length} values instead of {size}";
            }

            var nonFinite = Array.FindIndex(sample, v => !float.IsFinite(v));
            if (nonFinite >= 0)
            {
                return $"it decoded to a non-finite value ({sample[nonFinite].ToString(System.Globalization.CultureInfo.InvariantCulture)}) at index {nonFinite} of {size}";
            }

            samples[i] = sample;
            return null;
        }

        var skipped = new List<SkippedFile>();
        for (var i = 0; i < files.Count; i++)
        {
            if (failures[i] is { } failure)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
            }

            if (errors[i] is not { } error)
            {
                continue;
            }

            if (!options.SkipBadFiles)
            {
                throw new InvalidDataException($"{kind} {files[i].Describe()}: {error}.", causes[i]);
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
            var augmentFailures = new Exception?[rows.Length];
            Parallel.For(kept.Length, rows.Length, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.MaxDegreeOfParallelism) }, r =>
            {
                var file = files[rows[r]];
                var copy = (r / kept.Length) - 1;
                float[] sample;
                try
                {
                    sample = augment(file.Path, new Random(unchecked((seed * 1_000_003) + (rows[r] * 7_919) + copy)));
                }
                catch (Exception ex) when (IsFileProblem(ex))
                {
                    augmentFailures[r] = new InvalidDataException($"{kind} {file.Describe()}: its augmented copy failed: {Reason(ex)}.", ex);
                    return;
                }
                catch (Exception ex)
                {
                    augmentFailures[r] = ex;
                    return;
                }

                if (sample.Length != size)
                {
                    augmentFailures[r] = new InvalidOperationException($"Augmentation of {file.Describe()} produced {sample.Length} values instead of {size}.");
                    return;
                }

                sample.CopyTo(values, r * size);
            });

            if (augmentFailures.FirstOrDefault(f => f is not null) is { } augmentFailure)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(augmentFailure).Throw();
            }
        }

        var columns = tasks.Select((task, t) => (task.Name, Column: FieldLabels.ToColumn(task, rows.Select(i => labels[i][t]).ToArray())))
            .ToDictionary(x => x.Name, x => x.Column, StringComparer.Ordinal);
        var dataset = new MultitaskDatasetBuilder(tasks).AddSamples(options.InputName, values, sampleShape, columns).Build();
        var report = new FileLoadReport(files.Count, kept.Length, skipped, cache.Decodes - decodesBefore, cache.Hits - hitsBefore);
        return new LabeledFileData(dataset, rows.Select(i => files[i]).ToArray(), report);
    }

    /// <summary>Whether an exception from a decoder means "this file is bad" (content, format, size, memory for this
    /// file, permission to read it) rather than a failure of the machine or the caller (I/O errors other than a short
    /// read, cancellation), which is rethrown as it is.</summary>
    private static bool IsFileProblem(Exception ex) => ex switch
    {
        OperationCanceledException => false,
        EndOfStreamException or FileNotFoundException or DirectoryNotFoundException => true,
        IOException => false,
        _ => true,
    };

    /// <summary>The reason a decoder exception gives: its message for <see cref="InvalidDataException"/> (which names
    /// the file and the problem), else its type and message.</summary>
    private static string Reason(Exception ex) => ex switch
    {
        InvalidDataException => ex.Message.TrimEnd('.'),
        OutOfMemoryException => $"there was not enough memory to decode it ({ex.Message.TrimEnd('.')})",
        UnauthorizedAccessException => $"it cannot be read ({ex.Message.TrimEnd('.')})",
        _ => $"it could not be decoded ({ex.GetType().Name}: {ex.Message.TrimEnd('.')})",
    };

    /// <summary>Carries a decoder's exception through the cache, so it is not confused with the cache's own I/O failures.</summary>
    private sealed class DecodeFailure(Exception inner) : Exception(inner.Message, inner);
}
