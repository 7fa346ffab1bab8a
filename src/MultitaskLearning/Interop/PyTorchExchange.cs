using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MultitaskLearning.Data;
using MultitaskLearning.Models;
using MultitaskLearning.Persistence;
using MultitaskLearning.Runtime;
using static TorchSharp.torch;

namespace MultitaskLearning.Interop;

/// <summary>
/// Exports a model as a folder that PyTorch can read — <c>model.safetensors</c> (every parameter as F32, named as in
/// <see cref="TorchSharp.torch.nn.Module.named_parameters"/>) and <c>manifest.json</c> (the same manifest a model file
/// stores: architecture, tasks, feature and target statistics, parameter names and shapes, and the SHA-256 of the
/// weights, which equal the safetensors data section) — and imports such a folder again.
/// </summary>
/// <remarks>
/// Both files are written atomically one after the other; the safetensors <c>__metadata__</c> repeats the manifest's
/// <c>weightsSha256</c>, so a pair from two different exports (an export interrupted between the two files) is refused
/// on import. Weights changed in PyTorch and saved without that metadata entry are imported as they are.
/// </remarks>
internal static class PyTorchExchange
{
    /// <summary>The weights file of an export folder.</summary>
    public const string WeightsFileName = "model.safetensors";

    /// <summary>The manifest file of an export folder.</summary>
    public const string ManifestFileName = "manifest.json";

    /// <summary>The <c>__metadata__</c> key that holds the manifest's <c>weightsSha256</c>.</summary>
    public const string WeightsSha256Key = "weightsSha256";

    private const string ArchiveManifest = "manifest.json";
    private const string ArchiveWeights = "weights.bin";

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Writes <see cref="WeightsFileName"/> and <see cref="ManifestFileName"/> into a folder (created when missing).</summary>
    public static void Export(
        MultitaskNetwork network,
        IReadOnlyDictionary<string, FeatureStatistics> featureStatistics,
        IReadOnlyDictionary<string, TargetStatistics> targetStatistics,
        string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var folder = Path.GetFullPath(directory);
        if (File.Exists(folder))
        {
            throw new IOException($"Cannot export the model to '{folder}': it is a file, not a folder.");
        }

        // The model file's own manifest and weights, so that the export carries exactly what a saved model does.
        byte[] manifestBytes, weights;
        using (var archive = new MemoryStream())
        {
            ModelSerializer.Save(network, featureStatistics, targetStatistics, archive);
            archive.Position = 0;
            using var zip = new ZipArchive(archive, ZipArchiveMode.Read);
            manifestBytes = ReadEntry(zip, ArchiveManifest);
            weights = ReadEntry(zip, ArchiveWeights);
        }

        var manifest = JsonSerializer.Deserialize<ModelManifest>(manifestBytes, JsonOptions)!;
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["format"] = "pt",
            ["producer"] = "MultitaskLearning",
            ["libraryVersion"] = manifest.LibraryVersion ?? "unknown",
            ["family"] = manifest.Family!,
            [WeightsSha256Key] = manifest.WeightsSha256!,
        };
        var tensors = manifest.Parameters!.Select(p => (p.Name!, p.Shape!)).ToArray();

        Directory.CreateDirectory(folder);
        var weightsPath = Path.Combine(folder, WeightsFileName);
        var manifestPath = Path.Combine(folder, ManifestFileName);
        try
        {
            DurableFile.Write(weightsPath, file => SafetensorsWriter.Write(file, tensors, weights, metadata));
            DurableFile.Write(manifestPath, file => file.Write(manifestBytes));
        }
        catch (IOException ex) when (!ex.Message.Contains(folder, StringComparison.Ordinal))
        {
            throw new IOException($"Exporting the model to '{folder}' failed: {ex.Message}", ex);
        }
    }

    /// <summary>Reads and validates an export folder and builds the model it describes.</summary>
    public static LoadedModel Import(string directory, Device? device)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var folder = Path.GetFullPath(directory);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The PyTorch export folder '{folder}' does not exist.");
        }

        var manifestPath = Path.Combine(folder, ManifestFileName);
        var weightsPath = Path.Combine(folder, WeightsFileName);
        if (!File.Exists(manifestPath))
        {
            throw new FileNotFoundException($"The PyTorch export folder '{folder}' has no {ManifestFileName}; export the model with ExportPyTorch.", manifestPath);
        }

        var manifest = ReadManifest(manifestPath);
        var content = SafetensorsReader.Read(weightsPath);
        var weights = Assemble(content, manifest, manifestPath);
        var hash = Convert.ToHexString(SHA256.HashData(weights));
        if (content.Metadata.TryGetValue(WeightsSha256Key, out var exported))
        {
            if (!string.Equals(exported, manifest.WeightsSha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidDataException(
                    $"'{weightsPath}' and '{manifestPath}' come from different exports ({WeightsSha256Key} {exported} and {manifest.WeightsSha256}); an export may have been interrupted. Export the model again.");
            }

            if (!string.Equals(exported, hash, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidDataException(
                    $"The safetensors file '{weightsPath}': the tensor data does not match the SHA-256 recorded at export ({WeightsSha256Key} in __metadata__); the file is corrupt. If the weights were changed on purpose, save them without that metadata entry.");
            }
        }

        manifest.WeightsLength = weights.LongLength;
        manifest.WeightsSha256 = hash;
        using var archive = new MemoryStream();
        WriteArchive(archive, JsonSerializer.SerializeToUtf8Bytes(manifest, JsonOptions), weights);
        archive.Position = 0;
        return ModelSerializer.Load(archive, manifestPath, device);
    }

    private static ModelManifest ReadManifest(string path)
    {
        ModelManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ModelManifest>(File.ReadAllBytes(path), JsonOptions);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"The manifest '{path}' is not a valid model manifest ({ex.Message}).", ex);
        }

        if (manifest is null || manifest.Format != ModelManifest.FormatName)
        {
            throw new InvalidDataException($"The manifest '{path}' does not declare format '{ModelManifest.FormatName}'.");
        }

        if (manifest.Parameters is null || manifest.Parameters.Any(p => p.Name is null || p.Shape is null))
        {
            throw new InvalidDataException($"The manifest '{path}' does not list every parameter's name and shape.");
        }

        return manifest;
    }

    /// <summary>The tensors' float32 bytes in the manifest's parameter order, after checking that the file holds exactly
    /// the manifest's parameters, each as F32 of the manifest's shape.</summary>
    private static byte[] Assemble(SafetensorsContent content, ModelManifest manifest, string manifestPath)
    {
        var byName = content.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var expected = manifest.Parameters!;
        var extra = byName.Keys.Except(expected.Select(p => p.Name!), StringComparer.Ordinal).ToArray();
        if (extra.Length > 0)
        {
            throw new InvalidDataException(
                $"The safetensors file '{content.Path}' has tensors that '{manifestPath}' does not list: {string.Join(", ", extra)}.");
        }

        using var weights = new MemoryStream();
        foreach (var parameter in expected)
        {
            var name = parameter.Name!;
            var shape = $"[{string.Join(", ", parameter.Shape!)}]";
            if (!byName.TryGetValue(name, out var tensor))
            {
                throw new InvalidDataException($"The safetensors file '{content.Path}' has no tensor '{name}' (F32 {shape}), which '{manifestPath}' lists.");
            }

            if (tensor.DataType != SafetensorsEntry.Float32)
            {
                throw new InvalidDataException(
                    $"The safetensors file '{content.Path}': tensor '{name}' has dtype {tensor.DataType}; only {SafetensorsEntry.Float32} is read (convert it with .float() before saving).");
            }

            if (!tensor.Shape.SequenceEqual(parameter.Shape!))
            {
                throw new InvalidDataException(
                    $"The safetensors file '{content.Path}': tensor '{name}' has shape [{string.Join(", ", tensor.Shape)}]; '{manifestPath}' expects {shape}.");
            }

            weights.Write(content.Data.Span[(int)tensor.Begin..(int)tensor.End]);
        }

        return weights.ToArray();
    }

    private static byte[] ReadEntry(ZipArchive zip, string name)
    {
        using var stream = zip.GetEntry(name)!.Open();
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    /// <summary>A model file in memory, so that the model file's own validation and construction build the model.</summary>
    private static void WriteArchive(Stream stream, byte[] manifest, byte[] weights)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        (string Name, byte[] Bytes)[] entries = [(ArchiveManifest, manifest), (ArchiveWeights, weights)];
        foreach (var (name, bytes) in entries.Append((ModelSerializer.DigestEntry, Encoding.ASCII.GetBytes(ModelSerializer.Digest(entries)))))
        {
            using var entry = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
            entry.Write(bytes);
        }
    }
}
