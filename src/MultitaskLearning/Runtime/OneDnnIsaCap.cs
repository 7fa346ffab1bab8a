using System.Runtime.InteropServices;

namespace MultitaskLearning.Runtime;

/// <summary>
/// Keeps libtorch off oneDNN's AVX-512 kernels where they were seen to compute wrong values. On an AMD EPYC of family
/// 1Ah (Zen 5; AVX-512 with VP2INTERSECT), libtorch 2.10's convolution backward pass returned NaN at random (autograd's
/// anomaly mode names <c>ConvolutionBackward0</c>): the same seeded training diverged in some runs and not in others —
/// 6 of 7 runs of the convolutional-encoder tests had a diverged case, 3 of 3 with <c>DNNL_MAX_CPU_ISA=AVX512_CORE</c>,
/// none of 5 with <c>AVX2</c> and none of 5 with oneDNN switched off. The same tests passed on the project's earlier
/// machines (their processor models were not recorded), so only AMD processors of family 1Ah and later are treated. There, before libtorch loads,
/// <c>DNNL_MAX_CPU_ISA=AVX2</c> is set; once it has loaded, libtorch's use of oneDNN is switched off
/// (<c>at::Context::setUserEnabledMkldnn(false)</c>, what PyTorch's <c>torch.backends.mkldnn.enabled = False</c> calls),
/// which trained the main demo in 86–128 s against 126 s with the AVX2 cap (this VM varies widely). Where that entry
/// point cannot be found (a libtorch built with another compiler) the cap stays. A <c>DNNL_MAX_CPU_ISA</c> or
/// <c>ONEDNN_MAX_CPU_ISA</c> already in the environment means the user has chosen, and nothing is changed.
/// </summary>
internal static class OneDnnIsaCap
{
    /// <summary>oneDNN's environment variable for the highest instruction set its kernels may use.</summary>
    public const string Variable = "DNNL_MAX_CPU_ISA";

    private const string NewVariable = "ONEDNN_MAX_CPU_ISA";

    /// <summary>The cap for a processor, or null when oneDNN may use everything the processor has.</summary>
    public static string? For(ProcessorIdentity processor) =>
        processor.Vendor == "AuthenticAMD" && processor.Family >= 0x1A ? "AVX2" : null;

    /// <summary>What this process did: null (nothing), the cap it set, or that it switched oneDNN off.</summary>
    public static string? Applied { get; private set; }

    private static bool capSet;

    /// <summary>Before libtorch loads: sets the cap for this processor in the process environment, once, unless the
    /// environment already has one. oneDNN reads it when it first picks a kernel.</summary>
    /// <param name="setEnvironment">Sets a variable in the C library's environment, which oneDNN reads.</param>
    public static void BeforeLoad(Action<string, string> setEnvironment)
    {
        if (Applied is not null
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(NewVariable))
            || For(ProcessorIdentity.Current) is not { } cap)
        {
            return;
        }

        setEnvironment(Variable, cap);
        capSet = true;
        Applied = $"{Variable}={cap}";
    }

    /// <summary>After libtorch has loaded: where the cap was set, switches libtorch's use of oneDNN off if libtorch
    /// exports the entry point (its own kernels and MKL then run convolutions and pooling).</summary>
    public static unsafe void AfterLoad()
    {
        if (!capSet)
        {
            return;
        }

        capSet = false; // once

        var name = OperatingSystem.IsWindows() ? "torch_cpu.dll" : OperatingSystem.IsMacOS() ? "libtorch_cpu.dylib" : "libtorch_cpu.so";
        if (NativeLibrary.TryLoad(name, typeof(TorchSharp.torch).Assembly, null, out var library)
            && NativeLibrary.TryGetExport(library, "_ZN2at13globalContextEv", out var globalContext)
            && NativeLibrary.TryGetExport(library, "_ZN2at7Context20setUserEnabledMkldnnEb", out var setEnabled))
        {
            var context = ((delegate* unmanaged<IntPtr>)globalContext)();
            ((delegate* unmanaged<IntPtr, byte, void>)setEnabled)(context, 0);
            Applied = "oneDNN switched off";

            // Without oneDNN, libtorch tries NNPACK for every convolution and, where NNPACK does not support the
            // processor (this one), writes "Could not initialize NNPACK" each time before using its own kernels.
            if (NativeLibrary.TryGetExport(library, "_ZN2at7Context20setUserEnabledNNPACKEb", out var setNnpack))
            {
                ((delegate* unmanaged<IntPtr, byte, void>)setNnpack)(context, 0);
            }
        }
    }
}
