using System.Runtime.InteropServices;

namespace MultitaskLearning.Runtime;

/// <summary>
/// The library's thread-wait policy for libtorch: unless the process already sets <c>OMP_WAIT_POLICY</c>, it is set to
/// <c>PASSIVE</c> in the native environment before libtorch (and its OpenMP runtime, which reads the variable once when
/// it loads) is first used. Idle OpenMP threads then sleep instead of spinning, so when another process holds one of
/// the cores, a multi-threaded libtorch operation waits for a thread that gets a time slice late rather than for
/// spinning threads that keep taking them. Measured on 2 cores (README, "A busy machine"): 2-thread autograd steps lose
/// about 20 % when the machine is idle and run 1.6 times faster when one core is busy.
/// </summary>
/// <remarks>Set <c>OMP_WAIT_POLICY=ACTIVE</c> in the environment to keep spinning waits on dedicated machines.
/// .NET's <see cref="Environment.SetEnvironmentVariable(string, string)"/> does not change the native environment on
/// Unix, hence the call to the C library's <c>setenv</c>.</remarks>
internal static partial class PassiveThreadWaits
{
    public const string Variable = "OMP_WAIT_POLICY";

    /// <summary>Sets OMP_WAIT_POLICY=PASSIVE unless it is set; does nothing on Windows (libtorch uses its own runtime there).</summary>
    public static void Apply()
    {
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) || Environment.GetEnvironmentVariable(Variable) is not null)
        {
            return;
        }

        try
        {
            _ = setenv(Variable, "PASSIVE", 0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Without the C library's setenv the default (spinning) policy stays; nothing else depends on it.
        }
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);
}
