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
        Assert.Contains("TorchSharp 0.107", text);
        Assert.Contains("libtorch: loaded", text);
    }

    [Fact]
    public void Explain_OldLibstdcxx_SaysWhatIsMissingAndHowToFixIt()
    {
        var failure = new TypeInitializationException(
            "TorchSharp.torch",
            new DllNotFoundException("/lib/x86_64-linux-gnu/libstdc++.so.6: version `GLIBCXX_3.4.32' not found (required by libLibTorchSharp.so)"));
        var message = TorchBackend.Explain(failure);
        Assert.Contains("needs GLIBCXX_3.4.32 (GCC 13 or newer)", message);
        Assert.Contains("eng/ensure-prerequisites.sh", message);
        Assert.Contains("apt-get install -t trixie libstdc++6", message);
    }

    [Fact]
    public void Explain_MissingNativePackage_NamesTorchSharpCpu()
    {
        var message = TorchBackend.Explain(new NotSupportedException("The libtorch-cpu native library was not found."));
        Assert.Contains("TorchSharp-cpu 0.107.0", message);
    }
}
