using System.Runtime.InteropServices;
using MultitaskLearning.Runtime;
using SkiaSharp;

namespace MultitaskLearning.Vision;

/// <summary>
/// The one place that checks SkiaSharp's native library (libSkiaSharp), as <see cref="TorchBackend"/> does for libtorch.
/// Every image entry point calls <see cref="EnsureAvailable"/>, so a missing or mismatched native library fails with an
/// actionable <see cref="NativeBackendUnavailableException"/> instead of a <see cref="TypeInitializationException"/>
/// wrapping a <see cref="DllNotFoundException"/>.
/// </summary>
public static class SkiaBackend
{
    private static readonly Lazy<Exception?> LoadError = new(TryLoad, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Loads the native library once, or throws an exception that says what is missing and how to fix it.</summary>
    /// <exception cref="NativeBackendUnavailableException">libSkiaSharp could not be loaded or has the wrong version.</exception>
    public static void EnsureAvailable()
    {
        if (LoadError.Value is { } error)
        {
            throw new NativeBackendUnavailableException(Explain(error), error);
        }
    }

    /// <summary>Loads the native library once and reports whether it works.</summary>
    /// <param name="error">What is missing and how to fix it, when the library cannot load.</param>
    /// <returns><see langword="true"/> when image decoding can work.</returns>
    public static bool TryEnsureAvailable(out string? error)
    {
        error = LoadError.Value is { } exception ? Explain(exception) : null;
        return error is null;
    }

    private static Exception? TryLoad()
    {
        try
        {
            // Calls into the native library and compares its version with the managed assembly's.
            SkiaSharpVersion.CheckNativeLibraryCompatible(throwIfIncompatible: true);
            return null;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException or InvalidOperationException or BadImageFormatException)
        {
            return ex;
        }
    }

    /// <summary>The message for a load failure: what failed, and the package that provides the library.</summary>
    /// <param name="error">The load failure.</param>
    /// <returns>The message.</returns>
    internal static string Explain(Exception error)
    {
        var managed = typeof(SKBitmap).Assembly.GetName().Version;
        var package = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "SkiaSharp.NativeAssets.Win32"
            : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "SkiaSharp.NativeAssets.macOS"
            : "SkiaSharp.NativeAssets.Linux.NoDependencies";
        var root = error;
        while (root.InnerException is not null)
        {
            root = root.InnerException;
        }

        return $"MultitaskLearning.Vision cannot decode images: SkiaSharp's native library (libSkiaSharp) failed to load on "
            + $"{RuntimeInformation.OSDescription} ({RuntimeInformation.ProcessArchitecture}): {root.Message} "
            + $"The managed SkiaSharp is {managed?.ToString(3)}; the native library must come from the package {package} at the same "
            + $"version (MultitaskLearning.Vision references it; if your project pins SkiaSharp or a native-assets package to another "
            + $"version, align them, for example: dotnet add package {package} --version {managed?.ToString(3)}). "
            + "On Linux the NoDependencies package needs no system fonts or libraries; on Alpine (musl) use SkiaSharp.NativeAssets.Linux with the musl runtime identifier.";
    }
}
