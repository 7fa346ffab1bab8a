using System.Runtime.InteropServices;
using System.Text;
using TorchSharp;

namespace MultitaskLearning.Runtime;

/// <summary>
/// The one place that checks TorchSharp's native backend. Every entry point of the library that needs libtorch calls
/// <see cref="EnsureAvailable"/>, so a missing backend fails with an actionable <see cref="NativeBackendUnavailableException"/>
/// instead of a bare <see cref="TypeInitializationException"/>.
/// </summary>
public static partial class TorchBackend
{
    private const string ReproducibilityVariable = "MKL_CBWR";
    private const string ReproducibleMode = "AUTO,STRICT";

    private static readonly Lazy<string?> LoadError = new(TryLoad, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Loads the native backend once, or throws an exception that says what is missing and how to fix it.</summary>
    /// <exception cref="NativeBackendUnavailableException">libtorch could not be loaded.</exception>
    public static void EnsureAvailable()
    {
        if (LoadError.Value is { } error)
        {
            throw new NativeBackendUnavailableException(error);
        }
    }

    /// <summary>Loads the native backend once and reports whether it works.</summary>
    /// <param name="error">What is missing and how to fix it, when the backend cannot load.</param>
    /// <returns><see langword="true"/> when the backend is usable.</returns>
    public static bool TryEnsureAvailable(out string? error)
    {
        error = LoadError.Value;
        return error is null;
    }

    /// <summary>A diagnostic summary: TorchSharp version, whether libtorch loaded, thread count, CUDA availability.</summary>
    /// <returns>Several lines of text.</returns>
    public static string Describe()
    {
        var text = new StringBuilder();
        text.AppendLine($"TorchSharp {typeof(torch).Assembly.GetName().Version}");
        text.AppendLine($"OS: {RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture}); .NET {Environment.Version}");
        if (TryEnsureAvailable(out var error))
        {
            text.AppendLine("libtorch: loaded");
            text.AppendLine($"CPU threads: {torch.get_num_threads()}");
            if (OneDnnIsaCap.Applied is { } cap)
            {
                text.AppendLine($"oneDNN: {cap} (its AVX-512 convolution kernels computed NaN on this processor family)");
            }

            text.AppendLine($"CUDA available: {torch.cuda.is_available()}");
        }
        else
        {
            text.AppendLine("libtorch: NOT loaded");
            text.AppendLine(error);
        }

        return text.ToString();
    }

    /// <summary>
    /// Makes libtorch's matrix products (Intel MKL) bit-identical from run to run on the same processor, whatever the
    /// memory alignment of the tensors, by turning on MKL's conditional numerical reproducibility
    /// (<c>MKL_CBWR=AUTO,STRICT</c>) unless the environment already sets <c>MKL_CBWR</c>. Without it, repeating the
    /// same seeded run in one process was seen to change validation losses in the 8th digit. It must run before the
    /// first tensor is created; results still differ between processor models. See the README's "Reproducibility".
    /// </summary>
    /// <returns><see langword="true"/> when the setting was made; <see langword="false"/> when <c>MKL_CBWR</c> was already set.</returns>
    /// <exception cref="InvalidOperationException">libtorch has already been loaded through this class.</exception>
    public static bool UseReproducibleMath()
    {
        if (LoadError.IsValueCreated)
        {
            throw new InvalidOperationException("UseReproducibleMath must run before libtorch is loaded: call it at the start of the program, before the first tensor, model or trainer.");
        }

        OneDnnIsaCap.BeforeLoad(SetProcessEnvironment);
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(ReproducibilityVariable)))
        {
            return false;
        }

        SetProcessEnvironment(ReproducibilityVariable, ReproducibleMode);
        return true;
    }

    /// <summary>Sets a variable in the environment native libraries read: .NET keeps its own copy of the environment
    /// on Unix, while MKL and oneDNN read the C library's.</summary>
    private static void SetProcessEnvironment(string name, string value)
    {
        if (!OperatingSystem.IsWindows() && SetEnvironment(name, value, 0) != 0)
        {
            throw new InvalidOperationException($"Setting {name} failed (errno {Marshal.GetLastPInvokeError()}).");
        }

        Environment.SetEnvironmentVariable(name, value);
    }

    private static string? TryLoad()
    {
        try
        {
            OneDnnIsaCap.BeforeLoad(SetProcessEnvironment);
            torch.InitializeDeviceType(DeviceType.CPU);
            OneDnnIsaCap.AfterLoad();
            using var probe = torch.ones(1);
            return null;
        }
        catch (Exception ex) when (ex is TypeInitializationException or DllNotFoundException or NotSupportedException
                                       or InvalidOperationException or EntryPointNotFoundException or BadImageFormatException)
        {
            return Explain(ex);
        }
    }

    internal static string Explain(Exception failure)
    {
        var details = new StringBuilder();
        for (var e = failure; e is not null; e = e.InnerException)
        {
            details.Append(' ').Append(e.Message);
        }

        var all = details.ToString();
        var message = new StringBuilder("TorchSharp's native backend (libtorch) could not be loaded.");
        if (all.Contains("GLIBCXX", StringComparison.Ordinal))
        {
            message.Append(" The system's libstdc++ is too old: TorchSharp 0.107 needs GLIBCXX_3.4.32 (GCC 13 or newer).")
                .Append(" On Debian 12, run eng/ensure-prerequisites.sh from the MultitaskLearning repository as root, or install")
                .Append(" Debian 13's libstdc++6 (add a 'trixie' apt source pinned at priority 100, then 'apt-get install -t trixie libstdc++6').")
                .Append(" Debian 13, Ubuntu 24.04 and Fedora 39+ already have it.");
        }
        else if (all.Contains("libtorch", StringComparison.OrdinalIgnoreCase) || failure is DllNotFoundException or NotSupportedException)
        {
            message.Append(" The application must reference a native backend package: TorchSharp-cpu 0.107.0 for the CPU,")
                .Append(" or a TorchSharp CUDA package for NVIDIA GPUs (the MultitaskLearning package depends on TorchSharp only).");
        }

        message.Append(" Details:").Append(all);
        return message.ToString();
    }

    [LibraryImport("libc", EntryPoint = "setenv", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnvironment(string name, string value, int overwrite);
}
