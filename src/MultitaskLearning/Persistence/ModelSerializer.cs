using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MultitaskLearning.Data;
using MultitaskLearning.Models;
using MultitaskLearning.Runtime;
using MultitaskLearning.Tasks;
using static TorchSharp.torch;

namespace MultitaskLearning.Persistence;

/// <summary>
/// Reads and writes model files: a zip archive with <c>manifest.json</c> (format version, library version, tasks,
/// inputs, architecture, vocabularies, normalisation statistics, parameter names and shapes, SHA-256 of the weights)
/// and <c>weights.bin</c> (every parameter as little-endian float32, in manifest order). Writing goes to a temporary
/// file that is moved into place; reading validates everything before a model is returned.
/// </summary>
internal static class ModelSerializer
{
    private const string ManifestEntry = "manifest.json";
    private const string WeightsEntry = "weights.bin";
    private const int MaxManifestBytes = 64 * 1024 * 1024;

    /// <summary>The entry holding <see cref="Digest"/> of all other entries (format version 2).</summary>
    internal const string DigestEntry = "digest.sha256";
    private const string TrainingEntryPrefix = "training/";
    private const long MaxEntryBytes = int.MaxValue - 64;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    public static void Save(
        MultitaskNetwork network,
        IReadOnlyDictionary<string, FeatureStatistics> featureStatistics,
        IReadOnlyDictionary<string, TargetStatistics> targetStatistics,
        string path,
        IReadOnlyList<(string Name, Action<Stream> Write)>? extraEntries = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Model files are little-endian; saving on a big-endian machine is not supported.");
        }

        var full = DurableFile.InExistingFolder(path, "save the model");

        var entries = Entries(network, featureStatistics, targetStatistics, extraEntries);
        try
        {
            DurableFile.Write(full, file => WriteArchive(file, entries));
        }
        catch (Exception ex) when ((ex is IOException && !ex.Message.Contains(full, StringComparison.Ordinal)) || ex is ArgumentOutOfRangeException or NotSupportedException)
        {
            // For example the file-size limit (EFBIG) or a full device: name the path; the previous file is intact.
            throw new IOException($"Saving the model to '{full}' failed: {ex.Message}", ex);
        }
    }

    /// <summary>Writes a model file to a stream (not durable: the stream's owner decides where the bytes go).</summary>
    public static void Save(
        MultitaskNetwork network,
        IReadOnlyDictionary<string, FeatureStatistics> featureStatistics,
        IReadOnlyDictionary<string, TargetStatistics> targetStatistics,
        Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite)
        {
            throw new ArgumentException("The stream to save the model to is not writable.", nameof(stream));
        }

        WriteArchive(stream, Entries(network, featureStatistics, targetStatistics, null));
    }

    /// <summary>The entries of a model file: manifest, weights, any extra entries and the digest over them.</summary>
    private static List<(string Name, byte[] Bytes, CompressionLevel Level)> Entries(
        MultitaskNetwork network,
        IReadOnlyDictionary<string, FeatureStatistics> featureStatistics,
        IReadOnlyDictionary<string, TargetStatistics> targetStatistics,
        IReadOnlyList<(string Name, Action<Stream> Write)>? extraEntries)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Model files are little-endian; saving on a big-endian machine is not supported.");
        }

        var definition = network.Definition;
        var parameters = network.named_parameters().ToArray();
        using var weights = new MemoryStream();
        foreach (var (_, parameter) in parameters)
        {
            using var scope = NewDisposeScope();
            var data = parameter.detach().cpu().contiguous().to(ScalarType.Float32).data<float>().ToArray();
            weights.Write(MemoryMarshal.AsBytes(data.AsSpan()));
        }

        var described = DescribeDefinition(definition);
        var manifest = new ModelManifest
        {
            Format = ModelManifest.FormatName,
            FormatVersion = ModelManifest.CurrentFormatVersion,
            LibraryVersion = typeof(ModelSerializer).Assembly.GetName().Version?.ToString(),
            CreatedUtc = DateTime.UtcNow,
            Family = definition.Family.ToName(),
            Architecture = described.Architecture,
            Inputs = described.Inputs,
            Tasks = described.Tasks,
            TaskBlocks = described.TaskBlocks,
            FeatureStatistics = featureStatistics.Values.Select(s => new ModelManifest.FeatureStatisticsEntry
            {
                Input = s.InputName,
                Mean = [.. s.Mean],
                Scale = [.. s.Scale],
                Fill = [.. s.Fill],
            }).ToList(),
            TargetStatistics = targetStatistics.Values.Select(s => new ModelManifest.TargetStatisticsEntry
            {
                Task = s.TaskName,
                Mean = [.. s.Mean],
                Scale = [.. s.Scale],
            }).ToList(),
            Parameters = parameters.Select(p => new ModelManifest.ParameterEntry { Name = p.name, Shape = p.parameter.shape }).ToList(),
            WeightsLength = weights.Length,
            WeightsSha256 = Convert.ToHexString(SHA256.HashData(weights.GetBuffer().AsSpan(0, (int)weights.Length))),
        };

        var entries = new List<(string Name, byte[] Bytes, CompressionLevel Level)>
        {
            (ManifestEntry, JsonSerializer.SerializeToUtf8Bytes(manifest, JsonOptions), CompressionLevel.Optimal),
            (WeightsEntry, weights.ToArray(), CompressionLevel.Fastest),
        };
        foreach (var (name, write) in extraEntries ?? [])
        {
            using var buffer = new MemoryStream();
            write(buffer);
            entries.Add((name, buffer.ToArray(), CompressionLevel.Fastest));
        }

        var digest = Encoding.ASCII.GetBytes(Digest(entries.Select(e => (e.Name, e.Bytes))));
        entries.Add((DigestEntry, digest, CompressionLevel.NoCompression));
        return entries;
    }

    private static void WriteArchive(Stream stream, List<(string Name, byte[] Bytes, CompressionLevel Level)> entries)
    {
        using var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var (name, bytes, level) in entries)
        {
            using var entry = archive.CreateEntry(name, level).Open();
            entry.Write(bytes);
        }
    }

    /// <summary>The definition as the manifest stores it (architecture, inputs, tasks, task blocks).</summary>
    public static ModelManifest DescribeDefinition(MultitaskModelDefinition definition) => new()
    {
        Format = ModelManifest.FormatName,
        Family = definition.Family.ToName(),
            Architecture = new ModelManifest.ArchitectureEntry
            {
                TrunkLayers = [.. definition.Architecture.TrunkLayers],
                TowerLayers = [.. definition.Architecture.TowerLayers],
                Experts = definition.Architecture.Experts,
                TaskExperts = definition.Architecture.TaskExperts,
                Activation = definition.Architecture.Activation.ToString(),
                Dropout = definition.Architecture.Dropout,
            },
            Inputs = definition.Inputs.Select(i => new ModelManifest.InputEntry
            {
                Name = i.Name,
                SampleShape = [.. i.SampleShape],
                EncoderLayers = [.. i.EncoderLayers],
                Encoder = i.Encoder.ToString(),
                ConvolutionChannels = [.. i.ConvolutionChannels],
                Standardize = i.Standardize,
                MissingValues = i.MissingValues.ToString(),
            }).ToList(),
            Tasks = definition.Tasks.Select(t => TaskRecord.From(t, definition.InputOf(t.Name).Name)).ToList(),
            TaskBlocks = definition.TaskBlocks.Select(b => b.ToArray()).ToList(),
    };

    /// <summary>The definition as JSON, for comparing two definitions.</summary>
    public static string DefinitionJson(MultitaskModelDefinition definition) => JsonSerializer.Serialize(DescribeDefinition(definition), JsonOptions);

    public static LoadedModel Load(string path, Device? device)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw new InvalidDataException($"Model file '{full}' is a folder, not a model file.");
        }

        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"Model file '{full}' does not exist.", full);
        }

        return Load(() => ZipFile.OpenRead(full), full, new FileInfo(full).Length, device);
    }

    /// <summary>Reads a model file from a stream (seekable or not); <paramref name="name"/> stands for the file in
    /// messages.</summary>
    public static LoadedModel Load(Stream stream, string name, Device? device)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream to load the model from is not readable.", nameof(stream));
        }

        return Load(() => new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true), name, stream.CanSeek ? stream.Length - stream.Position : long.MaxValue, device);
    }

    /// <summary>Whether an exception is the zip reader's own report of a corrupt archive: .NET 8's reader throws a plain
    /// <see cref="IOException"/> ("Zip file corrupt") where later versions throw <see cref="InvalidDataException"/>; an
    /// I/O failure of the file or stream itself is not one.</summary>
    private static bool IsCorruptArchive(Exception ex) =>
        ex.GetType() == typeof(IOException) && string.Equals(ex.Source, "System.IO.Compression", StringComparison.Ordinal);

    private static LoadedModel Load(Func<ZipArchive> open, string full, long sourceLength, Device? device)
    {
        ModelManifest manifest;
        byte[] weights;
        Dictionary<string, byte[]> entries;
        try
        {
            using (var archive = open())
            {
                entries = ReadEntries(archive, full, sourceLength);
            }

            manifest = ReadManifest(entries, full);
            weights = ReadWeights(entries, full, manifest);
        }
        catch (Exception ex) when ((ex is InvalidDataException or EndOfStreamException or NotSupportedException or ArgumentException || IsCorruptArchive(ex))
                                       && !(ex is InvalidDataException && ex.Message.StartsWith("Model file", StringComparison.Ordinal)))
        {
            throw new InvalidDataException($"Model file '{full}' is not a readable model archive (corrupt or truncated): {ex.Message}", ex);
        }

        var (definition, featureStatistics, targetStatistics) = Interpret(manifest, full);
        CheckSizeBeforeAllocating(definition, weights.LongLength, full);
        var network = new MultitaskNetwork(definition, device);
        try
        {
            CopyWeights(network, manifest, weights, full);
        }
        catch
        {
            network.Dispose();
            throw;
        }

        network.eval();
        var extra = entries.Where(e => e.Key.StartsWith(TrainingEntryPrefix, StringComparison.Ordinal)).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        return new LoadedModel(network, featureStatistics, targetStatistics, extra);
    }

    /// <summary>The SHA-256 (hex) over entries: each name, its length and its bytes, in ordinal order of the names.</summary>
    internal static string Digest(IEnumerable<(string Name, byte[] Bytes)> entries)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, bytes) in entries.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(name));
            hash.AppendData(BitConverter.GetBytes((long)bytes.Length));
            hash.AppendData(bytes);
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    /// <summary>Every entry of the archive, read completely (a corrupt compressed stream fails here), bounded in size,
    /// and — from format version 2 — checked against the digest before anything is parsed.</summary>
    private static Dictionary<string, byte[]> ReadEntries(ZipArchive archive, string path, long fileLength)
    {
        var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var entry in archive.Entries)
        {
            // Deflate expands at most ~1032:1; a larger claim is a corrupt header, refused before allocating.
            if (entry.Length < 0 || entry.Length > MaxEntryBytes || entry.Length > (Math.Max(entry.CompressedLength, 1) * 1100) + 1024 || entry.CompressedLength > fileLength)
            {
                throw new InvalidDataException($"Model file '{path}': entry '{entry.FullName}' claims {entry.Length} bytes ({entry.CompressedLength} compressed); the archive is corrupt.");
            }

            if (!entries.TryAdd(entry.FullName, []))
            {
                throw new InvalidDataException($"Model file '{path}' has two entries named '{entry.FullName}'.");
            }

            var bytes = new byte[entry.Length];
            using (var stream = entry.Open())
            {
                stream.ReadExactly(bytes);
                if (stream.ReadByte() != -1)
                {
                    throw new InvalidDataException($"Model file '{path}': entry '{entry.FullName}' holds more data than its header says.");
                }
            }

            entries[entry.FullName] = bytes;
            order.Add(entry.FullName);
        }

        var unknown = order.Where(n => n is not (ManifestEntry or WeightsEntry or DigestEntry) && !n.StartsWith(TrainingEntryPrefix, StringComparison.Ordinal)).ToArray();
        if (unknown.Length > 0)
        {
            throw new InvalidDataException($"Model file '{path}' has unknown entries: {string.Join(", ", unknown)}.");
        }

        if (entries.TryGetValue(DigestEntry, out var digest))
        {
            var actual = Digest(order.Where(n => n != DigestEntry).Select(n => (n, entries[n])));
            if (!string.Equals(Encoding.ASCII.GetString(digest), actual, StringComparison.Ordinal))
            {
                throw new InvalidDataException($"Model file '{path}': the content does not match its digest ({DigestEntry}); the file is corrupt.");
            }
        }

        return entries;
    }

    /// <summary>Refuses, before any allocation, a definition whose dense layers alone need more weights than the file
    /// holds (a lower bound: encoder and trunk products along the first input, and every task's head).</summary>
    private static void CheckSizeBeforeAllocating(MultitaskModelDefinition definition, long weightBytes, string path)
    {
        double LowerBound()
        {
            static double Chain(IReadOnlyList<double> widths) => Enumerable.Range(0, Math.Max(0, widths.Count - 1)).Sum(i => widths[i] * widths[i + 1]);

            // Every family holds each dense encoder and the trunk layers at least once (per task or per expert for
            // some), and every task's head.
            var total = definition.Inputs.Where(i => i.Encoder == EncoderKind.Dense)
                .Sum(i => Chain([i.SampleSize, .. i.EncoderLayers.Select(w => (double)w)]));
            var trunkInput = definition.Inputs.Count == 0 ? 0 : definition.Inputs.Min(i => (double)i.EncodedSize);
            total += Chain([trunkInput, .. definition.Architecture.TrunkLayers.Select(w => (double)w)]);
            total += definition.Tasks.Sum(t => (double)t.OutputSize);
            return total;
        }

        var needed = LowerBound() * sizeof(float);
        if (needed > weightBytes)
        {
            throw new InvalidDataException($"Model file '{path}': the manifest's architecture needs at least {needed:N0} bytes of weights, but the file holds {weightBytes:N0}; the manifest does not match the weights.");
        }
    }

    private static ModelManifest ReadManifest(Dictionary<string, byte[]> entries, string path)
    {
        var bytes = entries.TryGetValue(ManifestEntry, out var found)
            ? found
            : throw new InvalidDataException($"Model file '{path}' has no {ManifestEntry}; it is not a MultitaskLearning model.");
        if (bytes.Length > MaxManifestBytes)
        {
            throw new InvalidDataException($"Model file '{path}': {ManifestEntry} is {bytes.Length} bytes, more than the {MaxManifestBytes} allowed.");
        }

        ModelManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ModelManifest>(bytes, JsonOptions);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Model file '{path}': {ManifestEntry} is not a valid manifest ({ex.Message}).", ex);
        }

        if (manifest is null || manifest.Format != ModelManifest.FormatName)
        {
            throw new InvalidDataException($"Model file '{path}': the manifest does not declare format '{ModelManifest.FormatName}'.");
        }

        if (manifest.FormatVersion is < ModelManifest.OldestReadableFormatVersion or > ModelManifest.CurrentFormatVersion)
        {
            throw new InvalidDataException(
                $"Model file '{path}' has format version {manifest.FormatVersion} (written by library {manifest.LibraryVersion ?? "unknown"}); this library reads versions {ModelManifest.OldestReadableFormatVersion} to {ModelManifest.CurrentFormatVersion}.");
        }

        if (manifest.FormatVersion >= 2 && !entries.ContainsKey(DigestEntry))
        {
            throw new InvalidDataException($"Model file '{path}' (format version {manifest.FormatVersion}) has no {DigestEntry}; the file is incomplete or corrupt.");
        }

        return manifest;
    }

    private static byte[] ReadWeights(Dictionary<string, byte[]> entries, string path, ModelManifest manifest)
    {
        var weights = entries.TryGetValue(WeightsEntry, out var found)
            ? found
            : throw new InvalidDataException($"Model file '{path}' has no {WeightsEntry}.");
        if (weights.LongLength != manifest.WeightsLength)
        {
            throw new InvalidDataException($"Model file '{path}': {WeightsEntry} has {weights.LongLength} bytes; the manifest says {manifest.WeightsLength}.");
        }

        var hash = Convert.ToHexString(SHA256.HashData(weights));
        if (!string.Equals(hash, manifest.WeightsSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"Model file '{path}': the weights' SHA-256 {hash} does not match the manifest's {manifest.WeightsSha256}; the file is corrupt.");
        }

        return weights;
    }

    private static (MultitaskModelDefinition, Dictionary<string, FeatureStatistics>, Dictionary<string, TargetStatistics>) Interpret(ModelManifest manifest, string path)
    {
        try
        {
            var architecture = manifest.Architecture ?? throw new InvalidDataException("the manifest has no architecture");
            var builder = new MultitaskModelBuilder().UseFamily(
                ModelFamilyExtensions.ParseFamilyName(manifest.Family ?? string.Empty),
                new ArchitectureOptions
                {
                    TrunkLayers = architecture.TrunkLayers ?? [],
                    TowerLayers = architecture.TowerLayers ?? [],
                    Experts = architecture.Experts,
                    TaskExperts = architecture.TaskExperts,
                    Activation = Enum.Parse<Activation>(architecture.Activation ?? string.Empty),
                    Dropout = architecture.Dropout,
                });
            foreach (var input in manifest.Inputs ?? [])
            {
                builder.AddInput(new InputDefinition(input.Name ?? string.Empty, input.SampleShape ?? [])
                {
                    EncoderLayers = input.EncoderLayers ?? [],
                    Encoder = Enum.Parse<EncoderKind>(input.Encoder ?? nameof(EncoderKind.Dense)),
                    ConvolutionChannels = input.ConvolutionChannels ?? [],
                    Standardize = input.Standardize,
                    MissingValues = Enum.Parse<MissingValuePolicy>(input.MissingValues ?? string.Empty),
                });
            }

            foreach (var task in manifest.Tasks ?? [])
            {
                var definition = task.ToDefinition();
                builder.AddTask(definition, task.Input);
            }

            var built = builder.WithTaskBlocks(manifest.TaskBlocks?.Select(b => (IReadOnlyList<string>)b).ToArray() ?? []).Build();
            var features = new Dictionary<string, FeatureStatistics>(StringComparer.Ordinal);
            foreach (var entry in manifest.FeatureStatistics ?? [])
            {
                var input = built.Inputs.FirstOrDefault(i => i.Name == entry.Input)
                    ?? throw new InvalidDataException($"feature statistics name unknown input '{entry.Input}'");
                var stats = new FeatureStatistics(input.Name, entry.Mean ?? [], entry.Scale ?? [], entry.Fill ?? []);
                if (stats.Mean.Count != input.SampleSize)
                {
                    throw new InvalidDataException($"feature statistics of input '{input.Name}' have {stats.Mean.Count} values for {input.SampleSize} features");
                }

                features[input.Name] = stats;
            }

            var targets = new Dictionary<string, TargetStatistics>(StringComparer.Ordinal);
            foreach (var entry in manifest.TargetStatistics ?? [])
            {
                var task = built.GetTask(entry.Task ?? string.Empty);
                var stats = new TargetStatistics(task.Name, entry.Mean ?? [], entry.Scale ?? []);
                if (task.Kind != TaskKind.Regression || stats.Mean.Count != task.OutputSize)
                {
                    throw new InvalidDataException($"target statistics of task '{task.Name}' do not fit the task");
                }

                targets[task.Name] = stats;
            }

            return (built, features, targets);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidDataException or KeyNotFoundException or FormatException)
        {
            throw new InvalidDataException($"Model file '{path}': the manifest describes an invalid model: {ex.Message}", ex);
        }
    }

    private static void CopyWeights(MultitaskNetwork network, ModelManifest manifest, byte[] weights, string path)
    {
        var expected = network.named_parameters().ToArray();
        var stored = manifest.Parameters ?? [];
        if (stored.Count != expected.Length)
        {
            throw new InvalidDataException($"Model file '{path}' stores {stored.Count} parameters; its architecture has {expected.Length}.");
        }

        long offset = 0;
        using var noGrad = no_grad();
        for (var i = 0; i < expected.Length; i++)
        {
            var (name, parameter) = expected[i];
            var entry = stored[i];
            if (entry.Name != name || entry.Shape is null || !entry.Shape.SequenceEqual(parameter.shape))
            {
                throw new InvalidDataException(
                    $"Model file '{path}': parameter {i} is '{entry.Name}' [{string.Join(", ", entry.Shape ?? [])}]; the architecture expects '{name}' [{string.Join(", ", parameter.shape)}].");
            }

            var bytes = parameter.numel() * sizeof(float);
            if (offset + bytes > weights.Length)
            {
                throw new InvalidDataException($"Model file '{path}': the weights end before parameter '{name}'.");
            }

            var values = MemoryMarshal.Cast<byte, float>(weights.AsSpan((int)offset, (int)bytes)).ToArray();
            using var source = tensor(values, parameter.shape);
            parameter.copy_(source);
            offset += bytes;
        }

        if (offset != weights.Length)
        {
            throw new InvalidDataException($"Model file '{path}': {weights.Length - offset} bytes of weights are left over after the last parameter.");
        }
    }
}
