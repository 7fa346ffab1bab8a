using System.Text.Json;
using System.Text.Json.Serialization;
using MathNet.Numerics.LinearAlgebra;

namespace MultitaskLearning.Linear;

/// <summary>
/// A fitted linear multitask model: weights W (d × T), biases b (T), and the loss it was fitted with. Task t predicts
/// x·w_t + b_t (least squares) or σ(x·w_t + b_t), the probability of the positive class (logistic).
/// </summary>
public sealed class LinearMultitaskModel
{
    private const string FormatName = "MultitaskLearning.Linear.Model";
    private const int FormatVersion = 1;
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };
    private readonly Matrix<double> weights;
    private readonly Vector<double> biases;

    /// <summary>Creates a model and checks its shapes.</summary>
    /// <param name="taskNames">Task names, one per column of W.</param>
    /// <param name="weights">W, d × T.</param>
    /// <param name="biases">b, length T.</param>
    /// <param name="loss">The loss the model was fitted with.</param>
    /// <param name="regularizer">The regulariser's name.</param>
    /// <param name="lambda">The regulariser's λ.</param>
    public LinearMultitaskModel(IReadOnlyList<string> taskNames, Matrix<double> weights, Vector<double> biases, LinearLoss loss, string regularizer, double lambda)
    {
        ArgumentNullException.ThrowIfNull(taskNames);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(biases);
        if (weights.ColumnCount != taskNames.Count || biases.Count != taskNames.Count)
        {
            throw new ArgumentException($"{taskNames.Count} tasks but W has {weights.ColumnCount} columns and b has {biases.Count} entries.", nameof(weights));
        }

        if (weights.Enumerate().Any(v => !double.IsFinite(v)) || biases.Enumerate().Any(v => !double.IsFinite(v)))
        {
            throw new ArgumentException("The weights and biases must be finite.", nameof(weights));
        }

        TaskNames = taskNames.ToArray();
        this.weights = weights.Clone();
        this.biases = biases.Clone();
        Loss = loss;
        Regularizer = regularizer;
        Lambda = lambda;
    }

    /// <summary>The task names, in column order.</summary>
    public IReadOnlyList<string> TaskNames { get; }

    /// <summary>A copy of W (d × T).</summary>
    public Matrix<double> Weights => weights.Clone();

    /// <summary>A copy of b.</summary>
    public Vector<double> Biases => biases.Clone();

    /// <summary>The loss.</summary>
    public LinearLoss Loss { get; }

    /// <summary>The regulariser's name (ridge, mean-regularized, l21, trace-norm, lasso).</summary>
    public string Regularizer { get; }

    /// <summary>The regulariser's λ.</summary>
    public double Lambda { get; }

    /// <summary>Loads a model saved with <see cref="Save(string)"/>.</summary>
    /// <param name="path">The JSON file.</param>
    /// <returns>The model.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid model file; the message names it.</exception>
    public static LinearMultitaskModel Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Linear model file '{path}' does not exist.", path);
        }

        using var stream = File.OpenRead(path);
        return Load(stream, path);
    }

    /// <summary>Loads a model written by <see cref="Save(Stream)"/> or <see cref="Save(string)"/> from a stream (a blob,
    /// an embedded resource, a network response), reading from its current position to its end. The stream may be
    /// non-seekable and is left open: the library never disposes a stream it is given.</summary>
    /// <param name="stream">A readable stream holding the model's JSON.</param>
    /// <param name="sourceName">What the stream is (for example the blob's name), used in error messages where a file's
    /// path would be.</param>
    /// <returns>The model.</returns>
    /// <exception cref="InvalidDataException">The content is not a valid model file; the message names
    /// <paramref name="sourceName"/>.</exception>
    public static LinearMultitaskModel Load(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceName);
        try
        {
            return FromStored(JsonSerializer.Deserialize<StoredModel>(stream));
        }
        catch (Exception ex) when (IsInvalidContent(ex))
        {
            throw Invalid(sourceName, ex);
        }
    }

    /// <summary>Loads a model from a stream asynchronously, for streams from a network or a blob store: the JSON is read
    /// asynchronously (to the end of the stream, which is left open), then checked as
    /// <see cref="Load(Stream, string)"/> does.</summary>
    /// <param name="stream">A readable stream holding the model's JSON; it may be non-seekable.</param>
    /// <param name="sourceName">What the stream is, used in error messages where a file's path would be.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The model.</returns>
    /// <exception cref="InvalidDataException">The content is not a valid model file; the message names
    /// <paramref name="sourceName"/>.</exception>
    public static async Task<LinearMultitaskModel> LoadAsync(Stream stream, string sourceName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceName);
        try
        {
            return FromStored(await JsonSerializer.DeserializeAsync<StoredModel>(stream, cancellationToken: cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (IsInvalidContent(ex))
        {
            throw Invalid(sourceName, ex);
        }
    }

    /// <summary>Predicts one task for rows of features.</summary>
    /// <param name="taskName">The task.</param>
    /// <param name="features">Rows × d.</param>
    /// <returns>Values (least squares) or positive-class probabilities (logistic).</returns>
    public Vector<double> Predict(string taskName, Matrix<double> features) => Predict(IndexOf(taskName), features);

    /// <summary>Predicts one task for rows of features.</summary>
    /// <param name="task">The task index.</param>
    /// <param name="features">Rows × d.</param>
    /// <returns>Values (least squares) or positive-class probabilities (logistic).</returns>
    public Vector<double> Predict(int task, Matrix<double> features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.ColumnCount != weights.RowCount)
        {
            throw new ArgumentException($"The model has {weights.RowCount} features; the input has {features.ColumnCount} columns.", nameof(features));
        }

        var z = (features * weights.Column(task)) + biases[task];
        return Loss == LinearLoss.Logistic ? z.Map(v => 1 / (1 + Math.Exp(-v))) : z;
    }

    /// <summary>Computes metrics on a problem's data (its tasks must be this model's tasks).</summary>
    /// <param name="data">The data, for example a test split.</param>
    /// <returns>Per-task and pooled metrics.</returns>
    public LinearEvaluation Evaluate(LinearMultitaskProblem data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var perTask = new Dictionary<string, IReadOnlyDictionary<string, double>>(StringComparer.Ordinal);
        var allTruth = new List<double>();
        var allPredicted = new List<double>();
        foreach (var task in data.Tasks)
        {
            var truth = task.Targets.ToArray();
            var predicted = Predict(task.Name, task.Features).ToArray();
            perTask[task.Name] = Metrics(truth, predicted);
            allTruth.AddRange(truth);
            allPredicted.AddRange(predicted);
        }

        return new LinearEvaluation(perTask, Metrics(allTruth, allPredicted));
    }

    /// <summary>The ℓ2 norm of each row of W: how much all tasks rely on each feature (zero rows are unused features).</summary>
    /// <returns>One norm per feature.</returns>
    public Vector<double> FeatureImportance() => Vector<double>.Build.DenseOfEnumerable(weights.EnumerateRows().Select(r => r.L2Norm()));

    /// <summary>W's singular values, largest first: how many directions the tasks' weight vectors span.</summary>
    /// <returns>min(d, T) values.</returns>
    public Vector<double> SingularValues() => weights.Svd(computeVectors: false).S;

    /// <summary>Saves the model as JSON, atomically (a temporary file moved into place).</summary>
    /// <param name="path">The file to write.</param>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Cannot save the linear model to '{full}': the folder '{directory}' does not exist.");
        }

        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = File.Create(temporary))
            {
                Save(stream);
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>Writes the model's JSON (the same bytes as <see cref="Save(string)"/>) to a stream, from its current
    /// position. The stream is left open (the library never disposes a stream it is given); unlike
    /// <see cref="Save(string)"/>, durability is the stream owner's concern.</summary>
    /// <param name="stream">A writable stream; it need not be seekable.</param>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        JsonSerializer.Serialize(stream, ToStored(), JsonOptions);
    }

    /// <summary>Writes the model's JSON to a stream asynchronously (the same bytes as <see cref="Save(Stream)"/>); the
    /// stream is left open.</summary>
    /// <param name="stream">A writable stream; it need not be seekable.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the JSON is written and flushed to the stream.</returns>
    public Task SaveAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return JsonSerializer.SerializeAsync(stream, ToStored(), JsonOptions, cancellationToken);
    }

    private static bool IsInvalidContent(Exception ex) => ex is JsonException or ArgumentException or InvalidDataException or FormatException;

    private static InvalidDataException Invalid(string sourceName, Exception ex) =>
        new($"Linear model file '{sourceName}' is invalid: {ex.Message}", ex);

    /// <summary>Checks a deserialised model and builds it; throws <see cref="InvalidDataException"/> (or the constructor's
    /// <see cref="ArgumentException"/>) with the problem but not the source, which the caller adds.</summary>
    private static LinearMultitaskModel FromStored(StoredModel? stored)
    {
        if (stored is null)
        {
            throw new InvalidDataException("the file is empty");
        }

        if (stored.Format != FormatName || stored.Version != FormatVersion)
        {
            throw new InvalidDataException($"format '{stored.Format}' version {stored.Version}; expected '{FormatName}' version {FormatVersion}");
        }

        var names = stored.Tasks ?? throw new InvalidDataException("no task names");
        var rows = stored.Weights ?? throw new InvalidDataException("no weights");
        if (rows.Any(r => r is null || r.Length != names.Length))
        {
            throw new InvalidDataException($"every weight row needs {names.Length} values (one per task)");
        }

        return new LinearMultitaskModel(
            names,
            Matrix<double>.Build.DenseOfRowArrays(rows),
            Vector<double>.Build.DenseOfArray(stored.Biases ?? throw new InvalidDataException("no biases")),
            Enum.Parse<LinearLoss>(stored.Loss ?? string.Empty),
            stored.Regularizer ?? string.Empty,
            stored.Lambda);
    }

    private StoredModel ToStored() => new()
    {
        Format = FormatName,
        Version = FormatVersion,
        Tasks = [.. TaskNames],
        Loss = Loss.ToString(),
        Regularizer = Regularizer,
        Lambda = Lambda,
        Weights = Weights.ToRowArrays(),
        Biases = Biases.ToArray(),
    };

    private int IndexOf(string taskName)
    {
        for (var t = 0; t < TaskNames.Count; t++)
        {
            if (TaskNames[t] == taskName)
            {
                return t;
            }
        }

        throw new KeyNotFoundException($"The model has no task '{taskName}'.");
    }

    private Dictionary<string, double> Metrics(IReadOnlyList<double> truth, IReadOnlyList<double> predicted) => Loss == LinearLoss.LeastSquares
        ? new Dictionary<string, double> { ["mse"] = LinearMetrics.MeanSquaredError(truth, predicted), ["explained-variance"] = LinearMetrics.ExplainedVariance(truth, predicted) }
        : new Dictionary<string, double> { ["accuracy"] = LinearMetrics.Accuracy(truth, predicted), ["auc"] = LinearMetrics.AreaUnderRocCurve(truth, predicted) };

    private sealed class StoredModel
    {
        [JsonPropertyName("format")]
        public string? Format { get; set; }

        [JsonPropertyName("version")]
        public int Version { get; set; }

        [JsonPropertyName("tasks")]
        public string[]? Tasks { get; set; }

        [JsonPropertyName("loss")]
        public string? Loss { get; set; }

        [JsonPropertyName("regularizer")]
        public string? Regularizer { get; set; }

        [JsonPropertyName("lambda")]
        public double Lambda { get; set; }

        [JsonPropertyName("weights")]
        public double[][]? Weights { get; set; }

        [JsonPropertyName("biases")]
        public double[]? Biases { get; set; }
    }
}
