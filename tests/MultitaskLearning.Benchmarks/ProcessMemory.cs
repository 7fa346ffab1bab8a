using System.Globalization;

namespace MultitaskLearning.Benchmarks;

/// <summary>This process's resident memory from <c>/proc/self/status</c>, in MB; NaN where /proc is not there.</summary>
internal static class ProcessMemory
{
    /// <summary>The peak resident set so far (VmHWM).</summary>
    public static double PeakRssMegabytes() => Read("VmHWM:");

    /// <summary>The resident set now (VmRSS).</summary>
    public static double RssMegabytes() => Read("VmRSS:");

    private static double Read(string field)
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status))
        {
            return double.NaN;
        }

        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        return line is null ? double.NaN : double.Parse(line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }
}
