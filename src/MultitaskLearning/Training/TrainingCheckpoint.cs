using System.Text.Json;
using System.Text.Json.Serialization;
using MultitaskLearning.Data;
using MultitaskLearning.Models;
using MultitaskLearning.Persistence;

namespace MultitaskLearning.Training;

/// <summary>
/// Resumable checkpoints. A checkpoint is a model file (loadable with <c>MultitaskModel.Load</c>) with three more
/// entries: <c>training/state.json</c> (<see cref="TrainingSnapshot"/>), <c>training/optimizer.bin</c> (the optimiser
/// state in the network's parameter layout) and, with early stopping's restore-best, <c>training/best.bin</c> (the
/// best epoch's parameters). It is written durably (<see cref="Runtime.DurableFile"/>): a killed or failed save leaves
/// the previous checkpoint intact.
/// </summary>
internal static class TrainingCheckpoint
{
    public const string StateEntry = "training/state.json";
    public const string OptimizerEntry = "training/optimizer.bin";
    public const string BestEntry = "training/best.bin";
    private const string FilePrefix = "epoch-";
    private const string FileExtension = ".mtl";
    private const int BinaryVersion = 1;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = false,
    };

    /// <summary>The file name of the checkpoint after <paramref name="epoch"/> epochs.</summary>
    public static string FileName(int epoch) => $"{FilePrefix}{epoch:D4}{FileExtension}";

    /// <summary>Writes a checkpoint.</summary>
    public static void Write(
        string path,
        MultitaskNetwork network,
        IReadOnlyDictionary<string, FeatureStatistics> featureStatistics,
        IReadOnlyDictionary<string, TargetStatistics> targetStatistics,
        TrainingSnapshot snapshot,
        OptimizerSnapshot optimizer,
        IReadOnlyDictionary<string, float[]>? bestParameters)
    {
        var entries = new List<(string, Action<Stream>)>
        {
            (StateEntry, stream => JsonSerializer.Serialize(stream, snapshot, JsonOptions)),
            (OptimizerEntry, stream => WriteOptimizer(stream, optimizer)),
        };
        if (bestParameters is not null)
        {
            entries.Add((BestEntry, stream => WriteArrays(stream, bestParameters)));
        }

        ModelSerializer.Save(network, featureStatistics, targetStatistics, path, entries);
    }

    /// <summary>The checkpoint to resume from: <paramref name="path"/> itself when it is a file, else the newest
    /// <c>epoch-NNNN.mtl</c> in the folder, or <see langword="null"/> when the folder has none or does not exist yet.</summary>
    /// <exception cref="FileNotFoundException">The path names a missing <c>.mtl</c> file.</exception>
    public static string? Find(string path)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(full))
        {
            return full;
        }

        if (!Directory.Exists(full) && string.Equals(Path.GetExtension(full), FileExtension, StringComparison.OrdinalIgnoreCase))
        {
            throw new FileNotFoundException($"TrainerOptions.ResumeFrom: checkpoint file '{full}' does not exist.", full);
        }

        return List(full).LastOrDefault();
    }

    /// <summary>The <c>epoch-NNNN.mtl</c> checkpoints of a folder, oldest first (by epoch number).</summary>
    public static IReadOnlyList<string> List(string directory) => Directory.Exists(directory)
        ? Directory.GetFiles(directory, $"{FilePrefix}*{FileExtension}")
            .Select(f => (File: f, Ok: int.TryParse(Path.GetFileNameWithoutExtension(f).AsSpan(FilePrefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var epoch), Epoch: epoch))
            .Where(f => f.Ok)
            .OrderBy(f => f.Epoch)
            .Select(f => f.File)
            .ToArray()
        : [];

    /// <summary>Reads a checkpoint: the validated model file and its training entries (one read of the file, all of
    /// it checked against the digest).</summary>
    /// <exception cref="InvalidDataException">The file is not a model file or has no readable training state.</exception>
    public static (LoadedModel Model, TrainingSnapshot Snapshot, OptimizerSnapshot Optimizer, IReadOnlyDictionary<string, float[]>? Best) Read(string path)
    {
        var model = ModelSerializer.Load(path, null);
        try
        {
            var archive = model.ExtraEntries;
            var snapshot = ReadEntry(archive, path, StateEntry, stream => JsonSerializer.Deserialize<TrainingSnapshot>(stream, JsonOptions))
                ?? throw new InvalidDataException($"Checkpoint '{path}': {StateEntry} is empty.");
            if (!Enum.IsDefined(snapshot.Engine))
            {
                throw new InvalidDataException($"Checkpoint '{path}': unknown engine {snapshot.Engine} in the training state.");
            }

            if (snapshot.FormatVersion != TrainingSnapshot.CurrentFormatVersion)
            {
                throw new InvalidDataException($"Checkpoint '{path}': training state version {snapshot.FormatVersion}; this library reads version {TrainingSnapshot.CurrentFormatVersion}.");
            }

            var optimizer = ReadEntry(archive, path, OptimizerEntry, ReadOptimizer);
            var best = snapshot.HasBestParameters ? ReadEntry(archive, path, BestEntry, ReadArrays) : null;
            return (model, snapshot, optimizer, best);
        }
        catch (Exception ex) when (ex is JsonException or EndOfStreamException or InvalidDataException or IOException or NotSupportedException)
        {
            model.Network.Dispose();
            throw ex is InvalidDataException { Message: var m } && m.StartsWith("Checkpoint", StringComparison.Ordinal)
                ? ex
                : new InvalidDataException($"Checkpoint '{path}' has no readable training state ({ex.Message}); it is a model file, or it is corrupt.", ex);
        }
        catch
        {
            model.Network.Dispose();
            throw;
        }
    }

    /// <summary>Deletes all but the newest <paramref name="keep"/> (at least one) checkpoints of a folder.</summary>
    /// <returns>The files deleted, and those that could not be (with the reason).</returns>
    public static (IReadOnlyList<string> Removed, IReadOnlyList<string> Failed) Prune(string directory, int keep)
    {
        var all = List(directory);
        var removed = new List<string>();
        var failed = new List<string>();
        foreach (var file in all.Take(Math.Max(0, all.Count - Math.Max(1, keep))))
        {
            try
            {
                File.Delete(file);
                removed.Add(file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                failed.Add($"{file} ({ex.Message})");
            }
        }

        return (removed, failed);
    }

    private static T ReadEntry<T>(IReadOnlyDictionary<string, byte[]> entries, string path, string name, Func<Stream, T> read)
    {
        var bytes = entries.TryGetValue(name, out var found)
            ? found
            : throw new InvalidDataException($"Checkpoint '{path}' has no {name}; it is a plain model file, not a resumable checkpoint.");
        using var stream = new MemoryStream(bytes, writable: false);
        return read(stream);
    }

    private static void WriteOptimizer(Stream stream, OptimizerSnapshot optimizer)
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(BinaryVersion);
        writer.Write((int)optimizer.Optimizer);
        writer.Write(optimizer.Parameters.Count);
        foreach (var (name, state) in optimizer.Parameters)
        {
            writer.Write(name);
            writer.Write(state.Steps);
            writer.Write(state.HasGradient);
            WriteArrays(writer, state.Buffers);
        }
    }

    private static OptimizerSnapshot ReadOptimizer(Stream stream)
    {
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        CheckVersion(reader.ReadInt32());
        var kind = (OptimizerKind)reader.ReadInt32();
        if (!Enum.IsDefined(kind))
        {
            throw new InvalidDataException($"Unknown optimiser {(int)kind} in the saved optimiser state.");
        }

        var count = Count(reader.ReadInt32());
        var parameters = new Dictionary<string, ParameterOptimizerState>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var name = reader.ReadString();
            var steps = reader.ReadInt64();
            var hasGradient = reader.ReadBoolean();
            parameters[name] = new ParameterOptimizerState(steps, ReadArrays(reader), hasGradient);
        }

        return new OptimizerSnapshot(kind, parameters);
    }

    private static void WriteArrays(Stream stream, IReadOnlyDictionary<string, float[]> arrays)
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(BinaryVersion);
        WriteArrays(writer, arrays);
    }

    private static Dictionary<string, float[]> ReadArrays(Stream stream)
    {
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        CheckVersion(reader.ReadInt32());
        return ReadArrays(reader);
    }

    private static void WriteArrays(BinaryWriter writer, IReadOnlyDictionary<string, float[]> arrays)
    {
        writer.Write(arrays.Count);
        foreach (var (name, values) in arrays)
        {
            writer.Write(name);
            writer.Write(values.Length);
            writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        }
    }

    private static Dictionary<string, float[]> ReadArrays(BinaryReader reader)
    {
        var count = Count(reader.ReadInt32());
        var arrays = new Dictionary<string, float[]>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var name = reader.ReadString();
            var length = Count(reader.ReadInt32());
            var bytes = reader.ReadBytes(checked(length * sizeof(float)));
            if (bytes.Length != length * sizeof(float))
            {
                throw new EndOfStreamException($"Array '{name}' is truncated.");
            }

            arrays[name] = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray();
        }

        return arrays;
    }

    private static void CheckVersion(int version)
    {
        if (version != BinaryVersion)
        {
            throw new InvalidDataException($"Saved training state of binary version {version}; this library reads version {BinaryVersion}.");
        }
    }

    private static int Count(int count) => count is >= 0 and <= 1 << 28
        ? count
        : throw new InvalidDataException($"Saved training state has an invalid count {count}.");
}
