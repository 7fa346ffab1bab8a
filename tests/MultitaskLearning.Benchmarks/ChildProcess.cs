using System.Diagnostics;

namespace MultitaskLearning.Benchmarks;

/// <summary>Runs a command and returns its standard output; used to run every timed repeat in a fresh process.</summary>
internal static class ChildProcess
{
    public static string Run(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null) =>
        RunCapturing(fileName, arguments, environment, workingDirectory).Output;

    /// <summary>Runs a command; returns its standard output and standard error.</summary>
    public static (string Output, string Error) RunCapturing(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var errorTask = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var error = errorTask.Result;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', info.ArgumentList)} exited with {process.ExitCode}: {error.Trim()}");
        }

        return (output, error);
    }

    /// <summary>This benchmark program itself, with the given arguments.</summary>
    public static string RunSelf(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null) =>
        Run(Environment.ProcessPath ?? throw new InvalidOperationException("The benchmark's own path is unknown."), arguments, environment);
}
