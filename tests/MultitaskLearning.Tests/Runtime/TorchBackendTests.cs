using MultitaskLearning.Runtime;
using Xunit;

namespace MultitaskLearning.Tests.Runtime;

public sealed class TorchBackendTests
{
    [Fact]
    public void EnsureAvailable_OnThisMachine_Succeeds()
    {
        TorchBackend.EnsureAvailable();
        Assert.True(TorchBackend.TryEnsureAvailable(out var error));
        Assert.Null(error);
    }

    [Fact]
    public void Describe_ReportsVersionAndLoadState()
    {
        var text = TorchBackend.Describe();
        // The version of the TorchSharp assembly that is loaded, whichever package version the repository pins.
        Assert.Contains($"TorchSharp {TorchSharpVersion}", text);
        Assert.Contains("libtorch: loaded", text);
    }

    [Fact]
    public void Explain_OldLibstdcxx_SaysWhatIsMissingAndHowToFixIt()
    {
        var failure = new TypeInitializationException(
            "TorchSharp.torch",
            new DllNotFoundException("/lib/x86_64-linux-gnu/libstdc++.so.6: version `GLIBCXX_3.4.32' not found (required by libLibTorchSharp.so)"));
        var message = TorchBackend.Explain(failure);
        Assert.Matches(@"needs GLIBCXX_\d+\.\d+\.\d+ \(GCC \d+ or newer\)", message);
        Assert.Contains("eng/ensure-prerequisites.sh", message);
        Assert.Contains("apt-get install -t trixie libstdc++6", message);
    }

    [Fact]
    public void Explain_MissingNativePackage_NamesTorchSharpCpu()
    {
        var message = TorchBackend.Explain(new NotSupportedException("The libtorch-cpu native library was not found."));
        // Names the native package at the version of the TorchSharp assembly that is loaded (the two are released
        // together with the same version), so the advice stays right when the repository moves to another version.
        var version = TorchSharpVersion;
        Assert.Contains($"TorchSharp-cpu {version.Major}.{version.Minor}.{version.Build}", message);
    }

    private static Version TorchSharpVersion => typeof(TorchSharp.torch).Assembly.GetName().Version!;

    [Fact]
    public void UseReproducibleMath_SetByTheTestAssembly_AndRefusedOnceLibtorchIsLoaded()
    {
        Assert.Equal("AUTO,STRICT", Environment.GetEnvironmentVariable("MKL_CBWR"));
        TorchBackend.EnsureAvailable();
        var error = Assert.Throws<InvalidOperationException>(() => TorchBackend.UseReproducibleMath());
        Assert.Contains("before libtorch is loaded", error.Message, StringComparison.Ordinal);
    }
}
