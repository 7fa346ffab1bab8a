using MultitaskLearning.Runtime;
using Xunit;

namespace MultitaskLearning.Tests.Runtime;

/// <summary>Which processors get oneDNN's instruction-set cap (see <see cref="OneDnnIsaCap"/>).</summary>
public sealed class OneDnnIsaCapTests
{
    [Theory]
    [InlineData("AuthenticAMD", 0x1A, "AVX2")] // Zen 5: its AVX-512 convolution backward pass returned NaN
    [InlineData("AuthenticAMD", 0x1B, "AVX2")]
    [InlineData("AuthenticAMD", 0x19, null)] // Zen 3 and Zen 4: the fault was not seen there
    [InlineData("GenuineIntel", 6, null)]
    [InlineData("", 0, null)] // not x86
    public void Cap_IsOnlyForTheAffectedProcessors(string vendor, int family, string? expected) =>
        Assert.Equal(expected, OneDnnIsaCap.For(new ProcessorIdentity(vendor, family)));

    [Fact]
    public void CurrentProcessor_IsIdentified()
    {
        var processor = ProcessorIdentity.Current;
        if (System.Runtime.Intrinsics.X86.X86Base.IsSupported)
        {
            Assert.Equal(12, processor.Vendor.Length);
            Assert.True(processor.Family > 0);
        }
        else
        {
            Assert.Equal(new ProcessorIdentity(string.Empty, 0), processor);
        }
    }

    [Fact]
    public void TheLoadedBackend_HasTheCapThisProcessorNeeds()
    {
        TorchBackend.EnsureAvailable();
        var expected = OneDnnIsaCap.For(ProcessorIdentity.Current);
        var inEnvironment = Environment.GetEnvironmentVariable(OneDnnIsaCap.Variable);
        if (expected is not null && OneDnnIsaCap.Applied is null)
        {
            // Someone set the variable before the library could; it is left as they set it.
            Assert.False(string.IsNullOrEmpty(inEnvironment) && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ONEDNN_MAX_CPU_ISA")));
        }
        else if (expected is null)
        {
            Assert.Null(OneDnnIsaCap.Applied);
        }
        else
        {
            // Linux builds of libtorch export the switch, so oneDNN is off; elsewhere the cap stays.
            Assert.Equal(OperatingSystem.IsLinux() ? "oneDNN switched off" : $"{OneDnnIsaCap.Variable}={expected}", OneDnnIsaCap.Applied);
        }
    }
}
