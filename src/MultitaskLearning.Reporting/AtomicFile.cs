namespace MultitaskLearning.Reporting;

/// <summary>Writes a file so that it is either the old file or the complete new one: the bytes go to a temporary file
/// in the same folder (<c>.NAME.GUID.tmp</c>), which is flushed and then moved over the target.</summary>
internal static class AtomicFile
{
    public static void Write(string path, byte[] content)
    {
        var full = Path.GetFullPath(path);
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                file.Write(content);
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
                // The original failure matters more.
            }

            throw;
        }
    }
}
