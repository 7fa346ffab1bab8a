namespace MultitaskLearning.Runtime;

/// <summary>
/// Caps the instruction set of oneDNN (libtorch's CPU convolution and pooling kernels) where its AVX-512 kernels were
/// seen to compute wrong values. On an AMD EPYC of family 1Ah (Zen 5; AVX-512 with VP2INTERSECT), libtorch 2.10's
/// convolution backward pass returned NaN at random (autograd's anomaly mode names <c>ConvolutionBackward0</c>): the
/// same seeded training diverged in some runs and not in others: 6 of 7 runs of the convolutional-encoder tests had a
/// diverged case, 3 of 3 with <c>DNNL_MAX_CPU_ISA=AVX512_CORE</c>, none of 5 with <c>AVX2</c>. Zen 4 and Intel Xeon machines
/// trained the same tests without it, so only family 1Ah and later AMD processors get the cap. A
/// <c>DNNL_MAX_CPU_ISA</c> or <c>ONEDNN_MAX_CPU_ISA</c> already in the environment is left alone.
/// </summary>
internal static class OneDnnIsaCap
{
    /// <summary>oneDNN's environment variable for the highest instruction set its kernels may use.</summary>
    public const string Variable = "DNNL_MAX_CPU_ISA";

    private const string NewVariable = "ONEDNN_MAX_CPU_ISA";

    /// <summary>The cap for a processor, or null when oneDNN may use everything the processor has.</summary>
    public static string? For(ProcessorIdentity processor) =>
        processor.Vendor == "AuthenticAMD" && processor.Family >= 0x1A ? "AVX2" : null;

    /// <summary>The cap this process set, or null when it set none.</summary>
    public static string? Applied { get; private set; }

    /// <summary>Sets the cap for this processor in the process environment, once, unless the environment already has
    /// one. oneDNN reads it when it first picks a kernel, so this runs before the first tensor operation.</summary>
    /// <param name="setEnvironment">Sets a variable in the C library's environment, which oneDNN reads.</param>
    public static void Apply(Action<string, string> setEnvironment)
    {
        if (Applied is not null
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(NewVariable))
            || For(ProcessorIdentity.Current) is not { } cap)
        {
            return;
        }

        setEnvironment(Variable, cap);
        Applied = cap;
    }
}
