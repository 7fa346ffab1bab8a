using MultitaskLearning.Data;
using MultitaskLearning.Data.Shards;
using MultitaskLearning.Tasks;

namespace MultitaskLearning.Vision;

/// <summary>
/// The image-label task adapter: decodes image files (PNG, JPEG, BMP, WebP) in parallel through a
/// <see cref="FeatureCache"/>, resizes and normalises them to [C, H, W], maps their label fields (folder names or
/// manifest columns) to task labels and returns a <see cref="MultitaskDataset"/>. For MNIST's IDX files (paths or
/// streams) use <see cref="ReadIdx(string, string, TaskDefinition, string, IReadOnlyList{int}?)"/> and its overloads.
/// </summary>
public static class ImageDatasetReader
{
    /// <summary>Builds a dataset from image files.</summary>
    /// <param name="files">The files and their fields (see <see cref="LabeledFileSources"/>).</param>
    /// <param name="tasks">The tasks to label.</param>
    /// <param name="image">Size, colour and normalisation.</param>
    /// <param name="options">Field mapping and error policy; <see langword="null"/> for defaults with input name "image".</param>
    /// <param name="cache">A feature cache to share between calls; <see langword="null"/> uses a private in-memory one.</param>
    /// <param name="augmentation">Augmented copies to add (training data only); <see langword="null"/> for none.</param>
    /// <returns>The dataset, the files in row order and the load report.</returns>
    public static LabeledFileData Read(
        IReadOnlyList<LabeledFile> files,
        IReadOnlyList<TaskDefinition> tasks,
        ImageOptions image,
        LabeledFileDatasetOptions? options = null,
        FeatureCache? cache = null,
        ImageAugmentation? augmentation = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        image.Validate();
        options ??= new LabeledFileDatasetOptions { InputName = "image" };
        return LabeledFileDataset.Build(
            files,
            tasks,
            options,
            image.SampleShape,
            "image|decoder-2|" + image.Describe(), // decoder-2: partial decodes refused; older cache entries are not reused
            path => ImageDecoder.Decode(path, image),
            cache,
            "Image",
            augmentation is null ? null : (path, random) => augmentation.Apply(path, image, random),
            augmentation?.Copies ?? 0,
            augmentation?.Seed ?? 0);
    }

    /// <summary>Writes image files' samples to a shard store, <paramref name="filesPerBlock"/> files at a time, for
    /// collections larger than memory (see <see cref="LabeledFileDataset.WriteShards"/>).</summary>
    /// <param name="files">The files and their fields.</param>
    /// <param name="tasks">The tasks to label (the writer's tasks).</param>
    /// <param name="image">Size, colour and normalisation; the writer's sample shape must be their <see cref="ImageOptions.SampleShape"/>.</param>
    /// <param name="writer">The store being written; complete it afterwards.</param>
    /// <param name="options">Field mapping and error policy; its input name must be the writer's.</param>
    /// <param name="filesPerBlock">Files decoded at once.</param>
    /// <returns>The load report over all files.</returns>
    /// <exception cref="InvalidDataException">A file is bad and skipping is off.</exception>
    public static FileLoadReport WriteShards(
        IReadOnlyList<LabeledFile> files,
        IReadOnlyList<TaskDefinition> tasks,
        ImageOptions image,
        ShardedDatasetWriter writer,
        LabeledFileDatasetOptions? options = null,
        int filesPerBlock = 1024) =>
        LabeledFileDataset.WriteShards(files, filesPerBlock, block => Read(block, tasks, image, options), writer);

    /// <summary>Reads MNIST-style IDX images and labels into a dataset with one multiclass task over the label values.</summary>
    /// <param name="imagesPath">The image file (.gz allowed).</param>
    /// <param name="labelsPath">The label file (.gz allowed).</param>
    /// <param name="task">A multiclass task whose class indices are the label bytes (for example 10 digits).</param>
    /// <param name="inputName">The input name.</param>
    /// <param name="rows">Which images to keep (for example a seeded subset); <see langword="null"/> for all.</param>
    /// <returns>The dataset with samples [1, rows, columns] scaled to [0, 1].</returns>
    /// <exception cref="InvalidDataException">A file is bad (see <see cref="IdxReader"/>), the files disagree on the count,
    /// or a label is outside the task's classes.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A requested row is outside the images.</exception>
    public static MultitaskDataset ReadIdx(string imagesPath, string labelsPath, TaskDefinition task, string inputName = "image", IReadOnlyList<int>? rows = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        var images = IdxReader.ReadImages(imagesPath);
        var labels = IdxReader.ReadLabels(labelsPath);
        return IdxDataset(images, imagesPath, labels, labelsPath, task, inputName, rows);
    }

    /// <summary>Reads MNIST-style IDX images and labels held in streams (blobs, embedded resources, network responses)
    /// into a dataset with one multiclass task over the label values. Each stream is read from its current position to
    /// its end, may be gzip-compressed (recognised by its first two bytes) or non-seekable, and is left open: the library
    /// never disposes a stream it is given.</summary>
    /// <param name="images">The image file's content.</param>
    /// <param name="imagesName">What <paramref name="images"/> is, used in error messages where a file's path would be.</param>
    /// <param name="labels">The label file's content.</param>
    /// <param name="labelsName">What <paramref name="labels"/> is, used in error messages where a file's path would be.</param>
    /// <param name="task">A multiclass task whose class indices are the label bytes (for example 10 digits).</param>
    /// <param name="inputName">The input name.</param>
    /// <param name="rows">Which images to keep (for example a seeded subset); <see langword="null"/> for all.</param>
    /// <returns>The dataset with samples [1, rows, columns] scaled to [0, 1].</returns>
    /// <exception cref="InvalidDataException">A stream's content is bad (see <see cref="IdxReader"/>), the two disagree on
    /// the count, or a label is outside the task's classes; the message names the stream.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A requested row is outside the images.</exception>
    public static MultitaskDataset ReadIdx(Stream images, string imagesName, Stream labels, string labelsName, TaskDefinition task, string inputName = "image", IReadOnlyList<int>? rows = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        var imageData = IdxReader.ReadImages(images, imagesName);
        var labelData = IdxReader.ReadLabels(labels, labelsName);
        return IdxDataset(imageData, imagesName, labelData, labelsName, task, inputName, rows);
    }

    /// <summary>Reads MNIST-style IDX images and labels held in streams asynchronously, for streams from a network or a
    /// blob store: each stream is copied to memory asynchronously (to its end; it is left open), then parsed
    /// synchronously as <see cref="ReadIdx(Stream, string, Stream, string, TaskDefinition, string, IReadOnlyList{int}?)"/> does.</summary>
    /// <param name="images">The image file's content (gzip-compressed or not).</param>
    /// <param name="imagesName">What <paramref name="images"/> is, used in error messages.</param>
    /// <param name="labels">The label file's content (gzip-compressed or not).</param>
    /// <param name="labelsName">What <paramref name="labels"/> is, used in error messages.</param>
    /// <param name="task">A multiclass task whose class indices are the label bytes.</param>
    /// <param name="inputName">The input name.</param>
    /// <param name="rows">Which images to keep; <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The dataset with samples [1, rows, columns] scaled to [0, 1].</returns>
    /// <exception cref="InvalidDataException">As for <see cref="ReadIdx(Stream, string, Stream, string, TaskDefinition, string, IReadOnlyList{int}?)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A requested row is outside the images.</exception>
    public static async Task<MultitaskDataset> ReadIdxAsync(
        Stream images,
        string imagesName,
        Stream labels,
        string labelsName,
        TaskDefinition task,
        string inputName = "image",
        IReadOnlyList<int>? rows = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        var imageData = await IdxReader.ReadImagesAsync(images, imagesName, cancellationToken).ConfigureAwait(false);
        var labelData = await IdxReader.ReadLabelsAsync(labels, labelsName, cancellationToken).ConfigureAwait(false);
        return IdxDataset(imageData, imagesName, labelData, labelsName, task, inputName, rows);
    }

    private static MultitaskDataset IdxDataset(
        (byte[] Pixels, int Count, int Rows, int Columns) images,
        string imagesPath,
        byte[] labels,
        string labelsPath,
        TaskDefinition task,
        string inputName,
        IReadOnlyList<int>? rows)
    {
        var (pixels, count, height, width) = images;
        if (labels.Length != count)
        {
            throw new InvalidDataException($"IDX files disagree: '{imagesPath}' has {count} images but '{labelsPath}' has {labels.Length} labels.");
        }

        var selected = rows ?? Enumerable.Range(0, count).ToArray();
        foreach (var i in selected)
        {
            if (i < 0 || i >= count)
            {
                throw new ArgumentOutOfRangeException(nameof(rows), i, $"Row {i} is outside the {count} images of '{imagesPath}'.");
            }
        }

        var plane = height * width;
        var values = new float[selected.Count * plane];
        var classes = new int?[selected.Count];
        for (var k = 0; k < selected.Count; k++)
        {
            var i = selected[k];
            for (var p = 0; p < plane; p++)
            {
                values[(k * plane) + p] = pixels[(i * plane) + p] / 255f;
            }

            if (labels[i] >= task.ClassCount)
            {
                throw new InvalidDataException($"IDX file '{labelsPath}', label {i}: value {labels[i]} is outside task '{task.Name}''s {task.ClassCount} classes.");
            }

            classes[k] = labels[i];
        }

        return new MultitaskDatasetBuilder([task])
            .AddSamples(inputName, values, [1, height, width], new Dictionary<string, LabelColumn> { [task.Name] = LabelColumn.FromClassIndices(classes) })
            .Build();
    }
}
