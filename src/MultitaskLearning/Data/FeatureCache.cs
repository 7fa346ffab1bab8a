using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace MultitaskLearning.Data;

/// <summary>
/// Decoded features, keyed by the SHA-256 of the file's bytes and the feature settings, so a changed file or a
/// changed setting is a different key (invalidation). Kept in memory and, optionally, in a folder on disk (written
/// atomically). Thread-safe; counts decodes and hits so callers can check that nothing is decoded twice.
/// </summary>
public sealed class FeatureCache
{
    private readonly ConcurrentDictionary<string, float[]> memory = new(StringComparer.Ordinal);
    private long decodes;
    private long hits;

    /// <summary>Creates a cache.</summary>
    /// <param name="directory">A folder for the disk cache (created when missing); <see langword="null"/> keeps features in memory only.</param>
    public FeatureCache(string? directory = null)
    {
        Directory = directory;
        if (directory is not null)
        {
            System.IO.Directory.CreateDirectory(directory);
        }
    }

    /// <summary>The disk cache folder, if any.</summary>
    public string? Directory { get; }

    /// <summary>Files decoded so far (cache misses).</summary>
    public long Decodes => Interlocked.Read(ref decodes);

    /// <summary>Features served from memory or disk.</summary>
    public long Hits => Interlocked.Read(ref hits);

    /// <summary>The features of a file: from the cache when its content and the settings are known, else from <paramref name="decode"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="settings">A canonical description of the feature settings.</param>
    /// <param name="decode">Computes the features from the file.</param>
    /// <returns>The features (shared; do not modify).</returns>
    public float[] GetOrAdd(string path, string settings, Func<string, float[]> decode)
    {
        ArgumentNullException.ThrowIfNull(decode);
        var key = Key(path, settings);
        if (memory.TryGetValue(key, out var cached))
        {
            Interlocked.Increment(ref hits);
            return cached;
        }

        var file = Directory is null ? null : Path.Combine(Directory, key + ".f32");
        if (file is not null && File.Exists(file))
        {
            var bytes = File.ReadAllBytes(file);
            var fromDisk = new float[bytes.Length / sizeof(float)];
            Buffer.BlockCopy(bytes, 0, fromDisk, 0, fromDisk.Length * sizeof(float));
            memory[key] = fromDisk;
            Interlocked.Increment(ref hits);
            return fromDisk;
        }

        var features = decode(path);
        Interlocked.Increment(ref decodes);
        memory[key] = features;
        if (file is not null)
        {
            var temporary = file + "." + Guid.NewGuid().ToString("N") + ".tmp";
            var bytes = new byte[features.Length * sizeof(float)];
            Buffer.BlockCopy(features, 0, bytes, 0, bytes.Length);
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, file, overwrite: true);
        }

        return features;
    }

    private static string Key(string path, string settings)
    {
        using var sha = SHA256.Create();
        using (var stream = File.OpenRead(path))
        {
            var buffer = new byte[81920];
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                sha.TransformBlock(buffer, 0, read, null, 0);
            }
        }

        var settingsBytes = Encoding.UTF8.GetBytes("|" + settings);
        sha.TransformFinalBlock(settingsBytes, 0, settingsBytes.Length);
        return Convert.ToHexString(sha.Hash!);
    }
}
