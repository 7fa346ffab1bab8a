using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MultitaskLearning.Inference;
using MultitaskLearning.ML;
using MultitaskLearning.Tasks;

[assembly: LoadableClass(typeof(MultitaskTransformer), null, typeof(SignatureLoadModel), "Multitask transformer", MultitaskTransformer.LoaderSignature)]
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Core")]

namespace MultitaskLearning.ML;

/// <summary>
/// A trained multitask model as an ML.NET transformer: it adds, for each task, the prediction columns named in
/// <see cref="MultitaskColumnNames"/>. <see cref="Transform"/> is lazy: a row's prediction is computed when a cursor
/// first reads one of its prediction columns (one forward pass per row, shared by that row's columns). The predictor is
/// thread-safe, so parallel cursors and prediction engines can share a transformer.
/// </summary>
/// <remarks>
/// <c>mlContext.Model.Save</c> stores the model's own file (<see cref="MultitaskModel.Save(Stream)"/>) inside ML.NET's
/// model archive, and <c>mlContext.Model.Load</c> reads it back. The transformer owns its model; dispose it when done.
/// </remarks>
public sealed class MultitaskTransformer : ITransformer, IDisposable
{
    /// <summary>The name of the model's single input (the concatenated feature columns).</summary>
    public const string InputName = "features";

    // At most 24 characters (the field of ML.NET's model header).
    internal const string LoaderSignature = "MultitaskMtlTransformer";

    private const string ModelEntryName = "MultitaskModel.mtl";

    private readonly string[] featureColumnNames;
    private int disposed;

    internal MultitaskTransformer(MultitaskModel model, IReadOnlyList<string> featureColumnNames)
    {
        Model = model;
        this.featureColumnNames = [.. featureColumnNames];
        Predictor = model.CreatePredictor();
        Columns = new PredictionColumns(model.Definition.Tasks);
    }

    /// <summary>The trained model (owned by the transformer: do not dispose it).</summary>
    public MultitaskModel Model { get; }

    /// <summary>The feature columns, concatenated in this order into the model's input.</summary>
    public IReadOnlyList<string> FeatureColumnNames => featureColumnNames;

    /// <summary>The tasks, in the model's order.</summary>
    public IReadOnlyList<TaskDefinition> Tasks => Model.Definition.Tasks;

    /// <summary>The names of the columns <see cref="Transform"/> adds, in order.</summary>
    public IReadOnlyList<string> OutputColumnNames => [.. Columns.Names];

    /// <summary>Always <see langword="true"/>: the transformer maps rows one at a time (ML.NET's prediction engine works).</summary>
    public bool IsRowToRowMapper => true;

    internal MultitaskPredictor Predictor { get; }

    internal PredictionColumns Columns { get; }

    /// <summary>The input schema followed by the prediction columns.</summary>
    /// <param name="inputSchema">The input's schema.</param>
    /// <returns>The output schema.</returns>
    /// <exception cref="ArgumentException">A feature column is missing or not <c>Single</c> or a known-size vector of
    /// <c>Single</c>; the message names it.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        FeatureColumns.Resolve(inputSchema, featureColumnNames);
        return Columns.OutputSchemaOf(inputSchema);
    }

    /// <summary>The input's rows with the prediction columns, computed lazily as they are read.</summary>
    /// <param name="input">The data; it needs the feature columns only (label columns are not read).</param>
    /// <returns>The transformed data.</returns>
    /// <exception cref="ArgumentException">A feature column is missing or of the wrong type; the message names it.</exception>
    public IDataView Transform(IDataView input)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(input);
        return new PredictionDataView(this, input);
    }

    /// <summary>A row mapper for single rows (used by ML.NET's prediction engine).</summary>
    /// <param name="inputSchema">The input's schema.</param>
    /// <returns>The mapper.</returns>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(inputSchema);
        return new PredictionRowMapper(this, inputSchema);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            Predictor.Dispose();
            Model.Dispose();
        }
    }

    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        ThrowIfDisposed();
        ctx.CheckAtModel();
        ctx.SetVersionInfo(GetVersionInfo());
        ctx.Writer.Write(featureColumnNames.Length);
        foreach (var name in featureColumnNames)
        {
            ctx.SaveNonEmptyString(name);
        }

        using var memory = new MemoryStream();
        Model.Save(memory);
        var bytes = memory.ToArray();
        ctx.SaveBinaryStream(ModelEntryName, writer =>
        {
            writer.Write(bytes.Length);
            writer.Write(bytes);
        });
    }

    // Called by ML.NET's component catalog (see the LoadableClass attribute above) when a model file is loaded.
    private static MultitaskTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.CheckAtModel(GetVersionInfo());
        var count = ctx.Reader.ReadInt32();
        if (count is < 1 or > 100_000)
        {
            throw new InvalidDataException($"The ML.NET model's multitask transformer lists {count} feature columns; the entry is corrupt.");
        }

        var names = new string[count];
        for (var i = 0; i < count; i++)
        {
            names[i] = ctx.LoadNonEmptyString();
        }

        byte[]? bytes = null;
        var found = ctx.TryLoadBinaryStream(ModelEntryName, reader =>
        {
            var length = reader.ReadInt32();
            bytes = reader.ReadBytes(length);
            if (bytes.Length != length)
            {
                throw new InvalidDataException(
                    $"The ML.NET model's entry {ModelEntryName} is truncated: {bytes.Length} of {length} bytes.");
            }
        });
        if (!found || bytes is null)
        {
            throw new InvalidDataException($"The ML.NET model's multitask transformer has no {ModelEntryName} entry (the weights).");
        }

        using var stream = new MemoryStream(bytes, writable: false);
        var model = MultitaskModel.Load(stream, $"{ModelEntryName} in the ML.NET model");
        return new MultitaskTransformer(model, names);
    }

    private static VersionInfo GetVersionInfo() => new(
        modelSignature: "MTLTRANS",
        verWrittenCur: 0x00010001,
        verReadableCur: 0x00010001,
        verWeCanReadBack: 0x00010001,
        loaderSignature: LoaderSignature,
        loaderAssemblyName: typeof(MultitaskTransformer).Assembly.FullName);

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
}
