using System.ComponentModel;
using System.Diagnostics;

namespace MultitaskLearning.TestUtilities;

/// <summary>Whether the system's Python (<see cref="Interpreter"/>) can import PyTorch, checked once per test run.</summary>
public static class PythonTorch
{
    /// <summary>The interpreter the PyTorch tests run: Debian's, where <c>apt-get install python3-torch
    /// libopenblas0-pthread</c> (as <c>eng/ensure-benchmark-peers.sh</c> runs) puts PyTorch.</summary>
    public const string Interpreter = "/usr/bin/python3";

    private static readonly Lazy<string?> Problem = new(Probe);

    /// <summary>Whether <c>/usr/bin/python3 -c "import torch"</c> succeeds.</summary>
    public static bool IsAvailable => Problem.Value is null;

    /// <summary>Why the PyTorch tests are skipped (meaningful when <see cref="IsAvailable"/> is false).</summary>
    public static string SkipReason =>
        $"{Interpreter} cannot import torch ({Problem.Value}); install it with `apt-get install -y python3-torch libopenblas0-pthread` (as eng/ensure-benchmark-peers.sh does) to run the PyTorch parity tests.";

    private static string? Probe()
    {
        if (!File.Exists(Interpreter))
        {
            return $"{Interpreter} does not exist";
        }

        var info = new ProcessStartInfo(Interpreter) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("import torch, numpy");
        try
        {
            using var process = Process.Start(info)!;
            var error = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                process.Kill(entireProcessTree: true);
                return "the import did not finish within 2 minutes";
            }

            return process.ExitCode == 0 ? null : error.Result.Trim().Split('\n')[^1];
        }
        catch (Win32Exception ex)
        {
            return ex.Message;
        }
    }
}
