using System.Globalization;
using System.Text;
using MultitaskLearning.Tasks;

namespace MultitaskLearning.Data.Tabular;

/// <summary>Reads CSV with a header row (a file, a stream or a <see cref="TextReader"/>) into a
/// <see cref="MultitaskDataset"/> with one feature-vector input. Fields may be quoted ("…", with "" for a quote). Numbers
/// use the invariant culture. Every overload parses the same way; errors name the file, or the source name given with a
/// stream or reader. Streams and readers are left open.</summary>
public static class CsvTabularReader
{
    /// <summary>Reads a file (UTF-8 unless a byte-order mark says otherwise).</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="tasks">The tasks; classification labels are mapped through their vocabularies.</param>
    /// <param name="options">Column mapping and missing-value policy.</param>
    /// <returns>The dataset and the load report.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist, or the path is a folder.</exception>
    /// <exception cref="InvalidDataException">The file is malformed (no header, no data rows, a ragged row, a cell that is not
    /// a number or does not fit in float32, more columns than <see cref="CsvTabularOptions.MaxColumns"/>); the message names
    /// the file, line and column.</exception>
    public static TabularData Read(string path, IReadOnlyList<TaskDefinition> tasks, CsvTabularOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (Directory.Exists(path))
        {
            throw new FileNotFoundException($"CSV path '{path}' is a folder, not a file.", path);
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"CSV file '{path}' does not exist.", path);
        }

        using var file = File.OpenRead(path);
        return Read(file, path, tasks, options);
    }

    /// <summary>Reads CSV bytes from a stream (a blob, an upload, an embedded resource), from its current position to
    /// its end. The text is UTF-8 unless a byte-order mark says otherwise. The stream may be non-seekable and is left
    /// open: the library never disposes a stream it is given.</summary>
    /// <param name="stream">A readable stream.</param>
    /// <param name="sourceName">What the stream is (for example the blob's name), used in error messages where a file's
    /// path would be.</param>
    /// <param name="tasks">The tasks; classification labels are mapped through their vocabularies.</param>
    /// <param name="options">Column mapping and missing-value policy.</param>
    /// <returns>The dataset and the load report.</returns>
    /// <exception cref="InvalidDataException">The text is malformed; the message names <paramref name="sourceName"/>, the
    /// line and the column, as for a file.</exception>
    public static TabularData Read(Stream stream, string sourceName, IReadOnlyList<TaskDefinition> tasks, CsvTabularOptions options)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceName);
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: -1, leaveOpen: true);
        return Read(reader, sourceName, tasks, options);
    }

    /// <summary>Reads CSV bytes from a stream asynchronously, for streams from a network or a blob store: the text is
    /// read to the end of the stream asynchronously and held in memory, then parsed synchronously as
    /// <see cref="Read(Stream, string, IReadOnlyList{TaskDefinition}, CsvTabularOptions)"/> does. The stream is left
    /// open.</summary>
    /// <param name="stream">A readable stream; UTF-8 unless a byte-order mark says otherwise.</param>
    /// <param name="sourceName">What the stream is, used in error messages where a file's path would be.</param>
    /// <param name="tasks">The tasks; classification labels are mapped through their vocabularies.</param>
    /// <param name="options">Column mapping and missing-value policy.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The dataset and the load report.</returns>
    /// <exception cref="InvalidDataException">The text is malformed; the message names <paramref name="sourceName"/>, the
    /// line and the column.</exception>
    public static async Task<TabularData> ReadAsync(
        Stream stream,
        string sourceName,
        IReadOnlyList<TaskDefinition> tasks,
        CsvTabularOptions options,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceName);
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(options);
        string text;
        using (var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: -1, leaveOpen: true))
        {
            text = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }

        using var memory = new StringReader(text);
        return Read(memory, sourceName, tasks, options);
    }

    /// <summary>Reads CSV text from a reader, to its end; the reader is left open.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="sourceName">The name used in error messages (usually the file path).</param>
    /// <param name="tasks">The tasks.</param>
    /// <param name="options">Column mapping and missing-value policy.</param>
    /// <returns>The dataset and the load report.</returns>
    /// <exception cref="InvalidDataException">The text is malformed; the message names the source, line and column.</exception>
    /// <remarks>A leading byte-order mark (U+FEFF) is ignored.</remarks>
    public static TabularData Read(TextReader reader, string sourceName, IReadOnlyList<TaskDefinition> tasks, CsvTabularOptions options)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(options);
        var records = ParseRecords(reader, options.Separator, options.MaxColumns, sourceName).ToList();
        if (records.Count == 0)
        {
            throw new InvalidDataException($"CSV file '{sourceName}' is empty; it needs a header row.");
        }

        if (records.Count == 1)
        {
            throw new InvalidDataException($"CSV file '{sourceName}' has a header but no data rows.");
        }

        var header = records[0].Fields;
        var columnIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var c = 0; c < header.Length; c++)
        {
            if (!columnIndex.TryAdd(header[c], c))
            {
                throw new InvalidDataException($"CSV file '{sourceName}': column '{header[c]}' appears twice in the header.");
            }
        }

        int Column(string name, string role) => columnIndex.TryGetValue(name, out var index)
            ? index
            : throw new InvalidDataException($"CSV file '{sourceName}' has no {role} column '{name}'. Columns: {string.Join(", ", header)}.");

        var taskByName = tasks.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var longLayout = options.TaskColumn is not null;
        if (longLayout && options.TargetColumn is null)
        {
            throw new ArgumentException("CsvTabularOptions.TargetColumn must be set when TaskColumn is set.", nameof(options));
        }

        var labelColumns = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (task, column) in options.LabelColumns)
        {
            if (!taskByName.ContainsKey(task))
            {
                throw new ArgumentException($"CsvTabularOptions.LabelColumns names task '{task}', which is not in the task list.", nameof(options));
            }

            labelColumns[task] = Column(column, "label");
        }

        var used = new HashSet<int>(labelColumns.Values);
        var taskColumn = longLayout ? Column(options.TaskColumn!, "task") : -1;
        var targetColumn = longLayout ? Column(options.TargetColumn!, "target") : -1;
        if (longLayout)
        {
            used.Add(taskColumn);
            used.Add(targetColumn);
        }

        foreach (var ignored in options.IgnoredColumns)
        {
            used.Add(Column(ignored, "ignored"));
        }

        var featureNames = options.FeatureColumns?.ToArray() ?? header.Where((_, c) => !used.Contains(c)).ToArray();
        var featureColumns = featureNames.Select(f => Column(f, "feature")).ToArray();
        if (featureColumns.Length == 0)
        {
            throw new InvalidDataException($"CSV file '{sourceName}' has no feature column left after label, task and ignored columns.");
        }

        var rows = records.Count - 1;
        long valueCount = (long)rows * featureColumns.Length;
        if (valueCount > Array.MaxLength)
        {
            throw new InvalidDataException(
                $"CSV file '{sourceName}': {rows} rows × {featureColumns.Length} feature columns = {valueCount} values, more than one array can hold ({Array.MaxLength}).");
        }

        var features = new float[valueCount];
        var missingFeatures = new Dictionary<string, int>(StringComparer.Ordinal);
        var missingLabels = new Dictionary<string, int>(StringComparer.Ordinal);
        var duplicates = new List<(int, int)>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var labelCells = tasks.ToDictionary(t => t.Name, _ => new string?[rows], StringComparer.Ordinal);
        for (var r = 0; r < rows; r++)
        {
            var (line, fields) = records[r + 1];
            if (fields.Length != header.Length)
            {
                throw new InvalidDataException($"CSV file '{sourceName}', line {line}: {fields.Length} fields; the header has {header.Length}.");
            }

            var key = string.Join('\u001f', fields);
            if (!seen.TryAdd(key, line))
            {
                duplicates.Add((line, seen[key]));
            }

            for (var f = 0; f < featureColumns.Length; f++)
            {
                var cell = fields[featureColumns[f]];
                if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
                {
                    if (options.MissingFeatures == MissingValuePolicy.Error)
                    {
                        var what = cell.Length == 0 ? "is empty" : $"'{cell}' is not a finite number";
                        throw new InvalidDataException(
                            $"CSV file '{sourceName}', line {line}, column '{featureNames[f]}': the value {what}. Set CsvTabularOptions.MissingFeatures to Mean or Median to impute it from the training split.");
                    }

                    missingFeatures[featureNames[f]] = missingFeatures.GetValueOrDefault(featureNames[f]) + 1;
                    value = double.NaN;
                }

                else if (!float.IsFinite((float)value))
                {
                    throw new InvalidDataException(
                        $"CSV file '{sourceName}', line {line}, column '{featureNames[f]}': the value '{cell}' is outside the float32 range (±{float.MaxValue:R}).");
                }

                features[(r * featureColumns.Length) + f] = (float)value;
            }

            if (longLayout)
            {
                var taskName = options.TaskNamePrefix + fields[taskColumn];
                if (!labelCells.TryGetValue(taskName, out var cells))
                {
                    throw new InvalidDataException($"CSV file '{sourceName}', line {line}, column '{options.TaskColumn}': task '{taskName}' is not in the task list.");
                }

                cells[r] = fields[targetColumn];
            }
            else
            {
                foreach (var (task, column) in labelColumns)
                {
                    labelCells[task][r] = fields[column];
                }
            }
        }

        var labels = new Dictionary<string, LabelColumn>(StringComparer.Ordinal);
        var unlabelled = new List<string>();
        foreach (var task in tasks)
        {
            if (!longLayout && !labelColumns.ContainsKey(task.Name))
            {
                throw new ArgumentException($"Task '{task.Name}' has no label column in CsvTabularOptions.LabelColumns.", nameof(options));
            }

            var cells = labelCells[task.Name];
            var labelColumnName = longLayout ? options.TargetColumn! : header[labelColumns[task.Name]];
            var missing = longLayout ? cells.Count(c => c is not null && c.Length == 0) : cells.Count(c => string.IsNullOrEmpty(c));
            if (missing > 0)
            {
                missingLabels[task.Name] = missing;
            }

            if (cells.All(string.IsNullOrEmpty))
            {
                // One task without labels is valid (a test file may hold no row of a small task); a task the prefix can
                // never match, or a file in which no task has a label, is a mistake.
                var why = longLayout
                    ? cells.Any(c => c is not null)
                        ? $"every row of the task has an empty '{labelColumnName}' cell"
                        : task.Name.StartsWith(options.TaskNamePrefix, StringComparison.Ordinal)
                            ? $"no row has '{task.Name[options.TaskNamePrefix.Length..]}' in column '{options.TaskColumn}'"
                            : null
                    : $"column '{labelColumnName}' is empty on every row";
                if (why is null)
                {
                    throw new InvalidDataException($"CSV file '{sourceName}': task '{task.Name}' can have no row: its name does not start with CsvTabularOptions.TaskNamePrefix '{options.TaskNamePrefix}'.");
                }

                unlabelled.Add($"'{task.Name}' ({why})");
            }

            labels[task.Name] = ToLabelColumn(task, cells, records, labelColumnName, sourceName);
        }

        if (unlabelled.Count == tasks.Count && tasks.Count > 0)
        {
            throw new InvalidDataException($"CSV file '{sourceName}': no task has a labelled row: {string.Join("; ", unlabelled)}.");
        }

        var dataset = new MultitaskDatasetBuilder(tasks)
            .AddSamples(options.InputName, features, [featureColumns.Length], labels)
            .Build();
        return new TabularData(dataset, new TabularLoadReport(rows, duplicates, missingFeatures, missingLabels), featureNames);
    }

    private static LabelColumn ToLabelColumn(TaskDefinition task, string?[] cells, List<(int Line, string[] Fields)> records, string column, string sourceName)
    {
        if (task.Kind == TaskKind.Regression)
        {
            if (task.OutputSize != 1)
            {
                throw new ArgumentException($"Task '{task.Name}' has {task.OutputSize} outputs; CSV label columns hold one value.");
            }

            var values = new double?[cells.Length];
            for (var r = 0; r < cells.Length; r++)
            {
                if (string.IsNullOrEmpty(cells[r]))
                {
                    continue;
                }

                if (!double.TryParse(cells[r], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
                {
                    throw new InvalidDataException($"CSV file '{sourceName}', line {records[r + 1].Line}, column '{column}': target '{cells[r]}' of task '{task.Name}' is not a finite number.");
                }

                if (!float.IsFinite((float)v))
                {
                    throw new InvalidDataException(
                        $"CSV file '{sourceName}', line {records[r + 1].Line}, column '{column}': target '{cells[r]}' of task '{task.Name}' is outside the float32 range (±{float.MaxValue:R}).");
                }

                values[r] = v;
            }

            return LabelColumn.FromValues(values);
        }

        if (task.Kind == TaskKind.MultiLabel)
        {
            throw new ArgumentException($"Task '{task.Name}' is multi-label; CSV label columns hold one label per row.");
        }

        for (var r = 0; r < cells.Length; r++)
        {
            if (!string.IsNullOrEmpty(cells[r]) && task.Vocabulary is { } vocabulary && !vocabulary.TryGetIndex(cells[r]!, out _))
            {
                throw new InvalidDataException(
                    $"CSV file '{sourceName}', line {records[r + 1].Line}, column '{column}': label '{cells[r]}' is not in task '{task.Name}''s vocabulary [{vocabulary.Describe()}].");
            }
        }

        return LabelColumn.FromLabels(cells);
    }

    private static IEnumerable<(int Line, string[] Fields)> ParseRecords(TextReader reader, char separator, int maxColumns, string sourceName)
    {
        if (reader.Peek() == '\uFEFF')
        {
            reader.Read(); // a byte-order mark that the reader did not consume (StringReader, or a stream read without BOM detection)
        }

        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var inQuotes = false;
        var any = false;
        int c;
        while ((c = reader.Read()) != -1)
        {
            var ch = (char)c;
            if (inQuotes)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        field.Append('"');
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }
                else
                {
                    if (ch == '\n')
                    {
                        line++;
                    }

                    field.Append(ch);
                }

                continue;
            }

            if (ch == '"' && field.Length == 0)
            {
                inQuotes = true;
                any = true;
            }
            else if (ch == separator)
            {
                if (fields.Count + 1 >= maxColumns)
                {
                    throw new InvalidDataException(
                        $"CSV file '{sourceName}', line {recordLine}: more than {maxColumns} columns (CsvTabularOptions.MaxColumns). Check the separator ('{separator}'), or raise the limit.");
                }

                fields.Add(field.ToString());
                field.Clear();
                any = true;
            }
            else if (ch == '\n' || ch == '\r')
            {
                if (ch == '\r' && reader.Peek() == '\n')
                {
                    reader.Read();
                }

                if (any || field.Length > 0)
                {
                    fields.Add(field.ToString().Trim());
                    yield return (recordLine, fields.Select(f => f.Trim()).ToArray());
                }

                fields.Clear();
                field.Clear();
                any = false;
                line++;
                recordLine = line;
            }
            else
            {
                field.Append(ch);
                any = true;
            }
        }

        if (inQuotes)
        {
            throw new InvalidDataException($"CSV file '{sourceName}', line {recordLine}: a quoted field is not closed before the end of the file.");
        }

        if (any || field.Length > 0)
        {
            fields.Add(field.ToString());
            yield return (recordLine, fields.Select(f => f.Trim()).ToArray());
        }
    }
}
