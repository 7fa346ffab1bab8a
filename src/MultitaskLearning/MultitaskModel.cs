using MultitaskLearning.Data;
using MultitaskLearning.Evaluation;
using MultitaskLearning.Inference;
using MultitaskLearning.Interop;
using MultitaskLearning.Persistence;
using MultitaskLearning.Models;
using MultitaskLearning.Tasks;
using MultitaskLearning.Training;
using static TorchSharp.torch;

namespace MultitaskLearning;

/// <summary>
/// A trained multitask model: the network plus the preprocessing statistics computed from its training split. It
/// predicts, evaluates, saves and loads; it holds no optimiser or other training-only state.
/// </summary>
/// <remarks>The model owns its <see cref="Network"/> and disposes it. Models come from <see cref="MultitaskTrainer.Fit(MultitaskModelDefinition, MultitaskDataset, MultitaskDataset?, IProgress{TrainingProgress}?, CancellationToken)"/>,
/// <see cref="Load(string, Device?)"/>, <see cref="Clone"/> and <see cref="WithAddedTask"/>; whoever receives one disposes it.</remarks>
public sealed class MultitaskModel : IDisposable
{
    private bool disposed;

    internal MultitaskModel(
        MultitaskNetwork network,
        IReadOnlyDictionary<string, FeatureStatistics> featureStatistics,
        IReadOnlyDictionary<string, TargetStatistics> targetStatistics,
        TrainingHistory? trainingHistory)
    {
        Network = network;
        FeatureStatistics = featureStatistics;
        TargetStatistics = targetStatistics;
        TrainingHistory = trainingHistory;
    }

    /// <summary>The model's definition (inputs, tasks, family, architecture).</summary>
    public MultitaskModelDefinition Definition => Network.Definition;

    /// <summary>The TorchSharp module; owned by this model.</summary>
    public MultitaskNetwork Network { get; }

    /// <summary>Per-input feature preprocessing from the training split.</summary>
    public IReadOnlyDictionary<string, FeatureStatistics> FeatureStatistics { get; }

    /// <summary>Per-task regression target standardisation from the training split.</summary>
    public IReadOnlyDictionary<string, TargetStatistics> TargetStatistics { get; }

    /// <summary>The record of the training run that produced the model; <see langword="null"/> for a loaded model.</summary>
    public TrainingHistory? TrainingHistory { get; }

    /// <summary>Loads a model saved with <see cref="Save(string)"/>, validating the file completely first.</summary>
    /// <param name="path">The model file.</param>
    /// <param name="device">The device for the weights; <see langword="null"/> for the CPU.</param>
    /// <returns>The model; the caller disposes it.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is corrupt, truncated, of another format version, or does not match its manifest.</exception>
    public static MultitaskModel Load(string path, Device? device = null)
    {
        var loaded = ModelSerializer.Load(path, device);
        return new MultitaskModel(loaded.Network, loaded.FeatureStatistics, loaded.TargetStatistics, null);
    }

    /// <summary>Loads a model from a stream (a blob, an embedded resource, a network response), validating it
    /// completely first; the stream is read from its current position and left open.</summary>
    /// <param name="stream">A readable stream holding a model file.</param>
    /// <param name="name">What the stream is, for error messages (for example the blob's name).</param>
    /// <param name="device">The device for the weights; <see langword="null"/> for the CPU.</param>
    /// <returns>The model; the caller disposes it.</returns>
    /// <exception cref="InvalidDataException">The content is corrupt, truncated, of another format version, or does not
    /// match its manifest; the message starts with <paramref name="name"/>.</exception>
    public static MultitaskModel Load(Stream stream, string name = "stream", Device? device = null)
    {
        var loaded = ModelSerializer.Load(stream, name, device);
        return new MultitaskModel(loaded.Network, loaded.FeatureStatistics, loaded.TargetStatistics, null);
    }

    /// <summary>Reads a model from a stream asynchronously (the I/O; validation and building the network follow
    /// synchronously), for streams from a network or a blob store.</summary>
    /// <param name="stream">A readable stream holding a model file; read to its end and left open.</param>
    /// <param name="name">What the stream is, for error messages.</param>
    /// <param name="device">The device for the weights; <see langword="null"/> for the CPU.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The model; the caller disposes it.</returns>
    /// <exception cref="InvalidDataException">The content is not a valid model file; the message starts with <paramref name="name"/>.</exception>
    public static async Task<MultitaskModel> LoadAsync(Stream stream, string name = "stream", Device? device = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var memory = new MemoryStream();
        await stream.CopyToAsync(memory, cancellationToken).ConfigureAwait(false);
        memory.Position = 0;
        return Load(memory, name, device);
    }

    /// <summary>Predicts every task on the labelled rows of a dataset.</summary>
    /// <param name="data">The data; its tasks and inputs must belong to the model.</param>
    /// <param name="batchSize">Rows per forward pass.</param>
    /// <returns>Predictions and targets per task name.</returns>
    public IReadOnlyDictionary<string, TaskOutputs> Predict(MultitaskDataset data, int batchSize = 1024)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        using var prepared = PreparedData.Create(Network, data, FeatureStatistics, TargetStatistics, "Evaluation");
        return prepared.Run(Network, TargetStatistics, batchSize).Outputs;
    }

    /// <summary>Computes each task's metrics on a dataset (for example the test split).</summary>
    /// <param name="data">The data.</param>
    /// <param name="batchSize">Rows per forward pass.</param>
    /// <returns>The report, keyed by task name.</returns>
    public EvaluationReport Evaluate(MultitaskDataset data, int batchSize = 1024) =>
        new(Predict(data, batchSize).Values.Select(o => new TaskEvaluation(o.Task, o.Count, MetricCalculator.Compute(o))));

    /// <summary>Creates a thread-safe predictor over a private copy of the network, for serving.</summary>
    /// <returns>The predictor; the caller disposes it.</returns>
    public MultitaskPredictor CreatePredictor()
    {
        ThrowIfDisposed();
        var copy = new MultitaskNetwork(Definition, Network.Device);
        copy.CopyMatchingParametersFrom(Network);
        return new MultitaskPredictor(copy, FeatureStatistics, TargetStatistics);
    }

    /// <summary>Saves weights and a JSON manifest to one file, atomically (a temporary file is moved into place).</summary>
    /// <param name="path">The file to write, usually with the extension <c>.mtl</c>.</param>
    public void Save(string path)
    {
        ThrowIfDisposed();
        ModelSerializer.Save(Network, FeatureStatistics, TargetStatistics, path);
    }

    /// <summary>Writes the model file to a stream (for a blob store or a network response); the stream is left open.
    /// Unlike <see cref="Save(string)"/>, durability is the stream owner's concern.</summary>
    /// <param name="stream">A writable stream.</param>
    public void Save(Stream stream)
    {
        ThrowIfDisposed();
        ModelSerializer.Save(Network, FeatureStatistics, TargetStatistics, stream);
    }

    /// <summary>Writes the model file to a stream asynchronously (the file is assembled in memory, then written); the
    /// stream is left open.</summary>
    /// <param name="stream">A writable stream.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the bytes are written.</returns>
    public async Task SaveAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var memory = new MemoryStream();
        Save(memory);
        memory.Position = 0;
        await memory.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Exports the model as a standard ONNX file (opset 17) for ONNX Runtime and other ONNX consumers, atomically.
    /// The graph takes raw samples (one float32 input per model input, named after it, with a dynamic batch
    /// dimension; missing-value fill and standardisation are part of the graph) and has one output per task, named
    /// after it: class probabilities in label order ([batch, 2] for a binary task), or regression values in the
    /// original units. Multiclass and binary tasks also have an int64 output "<c>task.label</c>" with the predicted
    /// class index. A model input that shares its name with a task becomes the graph input "<c>name.input</c>". The
    /// model's metadata holds, as JSON, the tasks with their labels and graph output names (<c>multitask.tasks</c>),
    /// the inputs with their graph input names, shapes and missing-value policies (<c>multitask.inputs</c>), and the
    /// family and library version (<c>multitask.family</c>, <c>multitask.libraryVersion</c>).</summary>
    /// <param name="path">The file to write, usually with the extension <c>.onnx</c>.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public void ExportOnnx(string path)
    {
        ThrowIfDisposed();
        OnnxModelExporter.Save(Network, FeatureStatistics, TargetStatistics, path);
    }

    /// <summary>Writes the ONNX form of the model (see <see cref="ExportOnnx(string)"/>) to a stream, which is left open.</summary>
    /// <param name="stream">A writable stream.</param>
    public void ExportOnnx(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ThrowIfDisposed();
        if (!stream.CanWrite)
        {
            throw new ArgumentException("The stream to export the model to is not writable.", nameof(stream));
        }

        var model = OnnxModelExporter.Build(Network, FeatureStatistics, TargetStatistics);
        Google.Protobuf.MessageExtensions.WriteTo(model, stream);
    }

    /// <summary>Exports the model for PyTorch: writes <c>model.safetensors</c> (every parameter as float32, named as in
    /// <see cref="TorchSharp.torch.nn.Module.named_parameters"/>) and <c>manifest.json</c> (the manifest a model file
    /// stores: architecture, tasks, feature and target statistics) into <paramref name="directory"/>, each file
    /// atomically. <c>samples/PyTorchInterop/rebuild.py</c> rebuilds the network in PyTorch from the two files.</summary>
    /// <param name="directory">The folder to write into; created when missing. Existing files of the same names are replaced.</param>
    public void ExportPyTorch(string directory)
    {
        ThrowIfDisposed();
        PyTorchExchange.Export(Network, FeatureStatistics, TargetStatistics, directory);
    }

    /// <summary>Imports a model exported with <see cref="ExportPyTorch(string)"/> (the weights may have been changed in
    /// PyTorch meanwhile), validating both files completely first.</summary>
    /// <param name="directory">The folder holding <c>model.safetensors</c> and <c>manifest.json</c>.</param>
    /// <param name="device">The device for the weights; <see langword="null"/> for the CPU.</param>
    /// <returns>The model; the caller disposes it.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">One of the two files is missing.</exception>
    /// <exception cref="InvalidDataException">A file is truncated or malformed, a tensor is missing, extra, of another
    /// shape or not float32, or the two files come from different exports; the message names the file and the tensor.</exception>
    public static MultitaskModel ImportPyTorch(string directory, Device? device = null)
    {
        var loaded = PyTorchExchange.Import(directory, device);
        return new MultitaskModel(loaded.Network, loaded.FeatureStatistics, loaded.TargetStatistics, null);
    }

    /// <summary>A deep copy (same definition, weights and statistics).</summary>
    /// <returns>The copy; the caller disposes it.</returns>
    public MultitaskModel Clone()
    {
        ThrowIfDisposed();
        var network = new MultitaskNetwork(Definition, Network.Device);
        network.CopyMatchingParametersFrom(Network);
        return new MultitaskModel(network, FeatureStatistics, TargetStatistics, TrainingHistory);
    }

    /// <summary>
    /// A copy of this model with one more task: the trained encoders, trunk and task parameters are kept and the new
    /// task gets a freshly initialised head (and tower). Train it with <see cref="MultitaskTrainer.Fit(MultitaskModel, MultitaskDataset, MultitaskDataset?, IProgress{TrainingProgress}?, CancellationToken)"/>,
    /// typically with <see cref="TrainerOptions.SharedLearningRateFactor"/> = 0 (trunk frozen) or a small factor, and
    /// <see cref="TrainerOptions.TrainableTasks"/> = [the new task].
    /// </summary>
    /// <param name="task">The new task.</param>
    /// <param name="inputName">The input it reads; may be omitted when the model has one input.</param>
    /// <param name="seed">Seed of the new head's initialisation.</param>
    /// <returns>The new model; the caller disposes it.</returns>
    public MultitaskModel WithAddedTask(TaskDefinition task, string? inputName = null, int seed = 0)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(task);
        if (Definition.Family == ModelFamily.TaskSpecific)
        {
            throw new InvalidOperationException("A task-specific model shares nothing between tasks, so there is no trained trunk to transfer; train a new task-specific model for the new task instead.");
        }

        if (Definition.Family == ModelFamily.CrossStitch)
        {
            throw new InvalidOperationException("A cross-stitch model has one column per task and cross-stitch units sized by the task count, so a task cannot be added to it; train a new model with all tasks.");
        }

        var definition = Definition.ToBuilder().AddTask(task, inputName).Build();
        manual_seed(seed);
        var network = new MultitaskNetwork(definition, Network.Device);
        network.CopyMatchingParametersFrom(Network);
        return new MultitaskModel(network, FeatureStatistics, TargetStatistics, null);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!disposed)
        {
            disposed = true;
            Network.Dispose();
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(disposed, this);
}
