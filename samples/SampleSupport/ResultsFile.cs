using System.Text.Json;
using System.Text.Json.Serialization;

namespace MultitaskLearning.Samples;

/// <summary>Writes the <c>--json</c> results file of a sample atomically:
/// <c>{"sample": NAME, "results": [{"model", "task", "metric", "split", "value", "run"}, …]}</c>.</summary>
public static class ResultsFile
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes the file through a temporary file in the same folder.</summary>
    /// <param name="path">The output path.</param>
    /// <param name="sample">The sample's name.</param>
    /// <param name="results">The results.</param>
    public static void Write(string path, string sample, IEnumerable<ResultRow> results)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = File.Create(temporary))
            {
                JsonSerializer.Serialize(stream, new { sample, results = results.ToArray() }, Options);
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
