using System.Runtime.InteropServices;

namespace MultitaskLearning.Runtime;

/// <summary>
/// Writes a file so that it is either the old file or the complete new one, also after a crash or power loss: the
/// content goes to a temporary file in the same folder (<c>.NAME.GUID.tmp</c>), which is flushed to the device, moved
/// over the target and followed by a flush of the folder on Linux and macOS (on Windows the folder is not flushed:
/// .NET offers no call for it). Temporary files that an earlier, killed write of the same target left behind are
/// deleted first; two processes writing the same target at once are not supported.
/// </summary>
public static partial class DurableFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>.</summary>
    /// <param name="path">The target file; its folder must exist.</param>
    /// <param name="write">Writes the whole content to the stream it is given.</param>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        DeleteStaleTemporaries(full);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(file);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(temporary);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // The original failure matters more; the next write of this target deletes the temporary.
            }

            throw;
        }

        FlushDirectory(directory);
    }

    /// <summary>The full path of a file to be written, after checking that its folder exists.</summary>
    /// <param name="path">The target file.</param>
    /// <param name="what">What is written, for the message (for example "save the model").</param>
    /// <returns>The full path.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist; the message names it.</exception>
    internal static string InExistingFolder(string path, string what)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        return Directory.Exists(directory)
            ? full
            : throw new DirectoryNotFoundException($"Cannot {what} to '{full}': the folder '{directory}' does not exist.");
    }

    /// <summary>The temporary files of earlier writes of <paramref name="path"/> (as this class names them).</summary>
    /// <param name="path">The target file.</param>
    /// <returns>The temporary files left next to it (empty when its folder does not exist).</returns>
    public static IReadOnlyList<string> Temporaries(string path)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        return Directory.Exists(directory)
            ? Directory.GetFiles(directory, $".{Path.GetFileName(full)}.*.tmp")
            : [];
    }

    private static void DeleteStaleTemporaries(string full)
    {
        foreach (var stale in Temporaries(full))
        {
            try
            {
                File.Delete(stale);
            }
            catch (IOException)
            {
                // Another writer may hold it open; it deletes its own temporary when it fails.
            }
        }
    }

    /// <summary>Makes the folder's entries (the rename) durable: fsync of the folder on Linux and macOS.</summary>
    private static void FlushDirectory(string directory)
    {
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()))
        {
            return;
        }

        var descriptor = Open(directory, 0);
        if (descriptor < 0)
        {
            throw new IOException($"Cannot open folder '{directory}' to flush it to the device (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Fsync(descriptor) != 0 && Marshal.GetLastPInvokeError() is var error && error is not (InvalidArgument or NotSupported))
            {
                throw new IOException($"Flushing folder '{directory}' to the device failed (errno {error}).");
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    /// <summary>EINVAL: some file systems (FUSE, network mounts) cannot flush a folder; the rename stands.</summary>
    private const int InvalidArgument = 22;

    /// <summary>EOPNOTSUPP/ENOTSUP on Linux.</summary>
    private const int NotSupported = 95;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);
}
