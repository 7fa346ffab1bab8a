using System.Runtime.InteropServices;
using SkiaSharp;
using Xunit;

namespace MultitaskLearning.Vision.Tests;

/// <summary>The native Skia library check: it loads here, and a load failure is explained with the package and version
/// that fix it.</summary>
public sealed class SkiaBackendTests
{
    [Fact]
    public void NativeLibrary_LoadsWithThePackagesAlone()
    {
        Assert.True(SkiaBackend.TryEnsureAvailable(out var error), error);
        SkiaBackend.EnsureAvailable();
    }

    [Fact]
    public void LoadFailure_NamesTheRootCause_ThePackage_AndTheManagedVersion()
    {
        var failure = new TypeInitializationException("SkiaSharp.SkiaApi", new DllNotFoundException("Unable to load shared library 'libSkiaSharp'"));
        var message = SkiaBackend.Explain(failure);

        var package = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "SkiaSharp.NativeAssets.Win32"
            : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "SkiaSharp.NativeAssets.macOS"
            : "SkiaSharp.NativeAssets.Linux.NoDependencies";
        var version = typeof(SKBitmap).Assembly.GetName().Version!.ToString(3);
        Assert.Contains("Unable to load shared library 'libSkiaSharp'", message, StringComparison.Ordinal);
        Assert.Contains($"dotnet add package {package} --version {version}", message, StringComparison.Ordinal);
    }
}
