using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace MultitaskLearning.IntegrationTests;

/// <summary>
/// A training process is killed with SIGKILL in the middle of an epoch, a second process resumes from the newest
/// checkpoint, and its final parameters and per-epoch history must be bit-identical to an uninterrupted run's (one
/// thread everywhere), for both engines, SGD with momentum and Adam, stateful weightings and a stateful aggregator.
/// </summary>
public sealed class KillAndResumeTests(ITestOutputHelper output)
{
    [Theory]
    [Trait("Category", "Slow")]
    [InlineData("fused-sgd-gradvac")]
    [InlineData("autograd-sgd-dwa-gradvac")]
    [InlineData("autograd-adam-gradnorm-dropout")]
    public void KilledRun_ResumedFromCheckpoint_EndsBitIdenticalToUninterruptedRun(string configuration)
    {
        var root = Path.Combine(Path.GetTempPath(), $"mtl-resume-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        try
        {
            var reference = Path.Combine(root, "reference.bin");
            var (code, log) = Run(configuration, Path.Combine(root, "reference"), reference, resume: false, killAfterEpoch: null);
            Assert.True(code == 0, $"The uninterrupted run failed:\n{log}");

            var checkpoints = Path.Combine(root, "interrupted");
            var resumed = Path.Combine(root, "resumed.bin");
            var (killedCode, killedLog) = Run(configuration, checkpoints, resumed, resume: false, killAfterEpoch: 2);
            Assert.NotEqual(0, killedCode);
            Assert.DoesNotContain("done", killedLog, StringComparison.Ordinal);
            Assert.False(File.Exists(resumed));
            output.WriteLine($"killed run (exit {killedCode}):\n{killedLog}");

            var (resumedCode, resumedLog) = Run(configuration, checkpoints, resumed, resume: true, killAfterEpoch: null);
            Assert.True(resumedCode == 0, $"The resumed run failed:\n{resumedLog}");
            output.WriteLine($"resumed run:\n{resumedLog}");
            Assert.Contains("resumed-from=", resumedLog, StringComparison.Ordinal);
            Assert.DoesNotContain("resumed-from=-", resumedLog, StringComparison.Ordinal);

            var expected = File.ReadAllBytes(reference);
            var actual = File.ReadAllBytes(resumed);
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"The resumed run's parameters or history differ from the uninterrupted run's ({expected.Length} vs {actual.Length} bytes, first difference at byte {FirstDifference(expected, actual)}).");
            Assert.Empty(Directory.GetFiles(checkpoints, "*.tmp"));
            Assert.True(Directory.GetFiles(checkpoints, "epoch-*.mtl").Length <= 2, "Only the newest two epoch checkpoints are kept.");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static int FirstDifference(byte[] a, byte[] b)
    {
        var length = Math.Min(a.Length, b.Length);
        for (var i = 0; i < length; i++)
        {
            if (a[i] != b[i])
            {
                return i;
            }
        }

        return length;
    }

    /// <summary>Runs the worker; with <paramref name="killAfterEpoch"/>, kills it with SIGKILL as soon as it reports
    /// that epoch (it is then in the next one) and notes whether the kill came mid-epoch.</summary>
    private (int ExitCode, string Log) Run(string configuration, string checkpoints, string result, bool resume, int? killAfterEpoch)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "exec", WorkerPath(), configuration, checkpoints, result })
        {
            start.ArgumentList.Add(argument);
        }

        if (resume)
        {
            start.ArgumentList.Add("--resume");
        }

        using var process = Process.Start(start)!;
        var log = new System.Text.StringBuilder();
        var stderr = process.StandardError.ReadToEndAsync();
        var epochs = 0;
        string? line;
        while ((line = process.StandardOutput.ReadLine()) is not null)
        {
            log.AppendLine(line);
            if (killAfterEpoch is { } kill && line.StartsWith("epoch ", StringComparison.Ordinal) && ++epochs == kill)
            {
                // The worker prints "epoch N" after writing that epoch's checkpoint and goes straight on with the next
                // epoch, so the kill lands in it. Where exactly does not matter: any point after the checkpoint must
                // resume to the same bits. No clock is read.
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                var rest = process.StandardOutput.ReadToEnd();
                log.Append(rest);
                log.AppendLine(rest.Contains($"epoch {kill + 1}", StringComparison.Ordinal)
                    ? $"(killed after epoch {kill + 1} had ended)"
                    : $"(killed during epoch {kill + 1})");
                break;
            }
        }

        process.WaitForExit();
        log.Append(stderr.Result);
        return (process.ExitCode, log.ToString());
    }

    private static string WorkerPath()
    {
        // tests/MultitaskLearning.IntegrationTests/bin/<Configuration>/<tfm>/ → the worker's own output folder.
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = here.Name;
        var configuration = here.Parent!.Name;
        var tests = here.Parent.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(tests, "MultitaskLearning.ResumeWorker", "bin", configuration, framework, "MultitaskLearning.ResumeWorker.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"The resume worker is not built: {path}. Build the solution first.", path);
    }
}
