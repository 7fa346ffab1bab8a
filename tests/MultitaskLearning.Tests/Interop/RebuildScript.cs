using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using MultitaskLearning.TestUtilities;

namespace MultitaskLearning.Tests.Interop;

/// <summary>Runs <c>samples/PyTorchInterop/rebuild.py</c> (copied next to the tests) on an export folder.</summary>
internal static class RebuildScript
{
    public static string ScriptPath => Path.Combine(AppContext.BaseDirectory, "PyTorchInterop", "rebuild.py");

    /// <summary>Writes the samples of each input (NaN as null), runs the script and returns its scores per input and task.</summary>
    public static Dictionary<string, Dictionary<string, double[][]>> Run(string exportDirectory, IReadOnlyDictionary<string, float[][]> samplesByInput)
    {
        var samplesPath = Path.Combine(exportDirectory, "samples.json");
        var outputPath = Path.Combine(exportDirectory, "outputs.json");
        var request = new JsonObject();
        foreach (var (inputName, samples) in samplesByInput)
        {
            request[inputName] = new JsonArray(samples.Select(s => (JsonNode)new JsonArray(s.Select(v => float.IsNaN(v) ? null : JsonValue.Create(v)).ToArray())).ToArray());
        }

        File.WriteAllText(samplesPath, request.ToJsonString());

        var info = new ProcessStartInfo(PythonTorch.Interpreter) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { ScriptPath, exportDirectory, samplesPath, "--output", outputPath })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"rebuild.py did not finish within 5 minutes: {error.Result}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"rebuild.py exited with {process.ExitCode}: {error.Result.Trim()} {output.Result.Trim()}");
        }

        using var document = JsonDocument.Parse(File.ReadAllBytes(outputPath));
        return document.RootElement.EnumerateObject().ToDictionary(
            input => input.Name,
            input => input.Value.EnumerateObject().ToDictionary(
                task => task.Name,
                task => task.Value.EnumerateArray().Select(row => row.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray(),
                StringComparer.Ordinal),
            StringComparer.Ordinal);
    }
}
