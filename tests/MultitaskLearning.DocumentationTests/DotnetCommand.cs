using System.Diagnostics;
using System.Text;

namespace MultitaskLearning.DocumentationTests;

/// <summary>Runs the .NET CLI (or a built program) in a folder, with the output captured for failure messages.</summary>
public static class DotnetCommand
{
    /// <summary>Runs <c>dotnet</c> with arguments.</summary>
    /// <param name="folder">The working folder.</param>
    /// <param name="timeout">How long the command may take before it is killed (a hang must fail the test, not the CI run).</param>
    /// <param name="arguments">The arguments.</param>
    /// <returns>The exit code and the combined output.</returns>
    public static (int ExitCode, string Output) Run(string folder, TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The test host's MSBuild and test-platform settings must not leak into a user's build.
        foreach (var key in start.Environment.Keys.ToArray())
        {
            if (key.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
            {
                start.Environment.Remove(key);
            }
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return (-1, $"dotnet {string.Join(' ', arguments)} did not finish within {timeout.TotalMinutes:F0} minutes and was killed.\n{Text(output)}");
        }

        process.WaitForExit(); // flushes the asynchronous output readers
        return (process.ExitCode, Text(output));
    }

    /// <summary>Runs <c>dotnet</c> and fails the test with the command's output when it does not exit with 0.</summary>
    /// <param name="folder">The working folder.</param>
    /// <param name="timeout">The time limit.</param>
    /// <param name="arguments">The arguments.</param>
    /// <returns>The output.</returns>
    public static string RunOrFail(string folder, TimeSpan timeout, params string[] arguments)
    {
        var (exitCode, output) = Run(folder, timeout, arguments);
        if (exitCode != 0)
        {
            throw new Xunit.Sdk.XunitException($"dotnet {string.Join(' ', arguments)} (in {folder}) exited with {exitCode}:\n{output}");
        }

        return output;
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
