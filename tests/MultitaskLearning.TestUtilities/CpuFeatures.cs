using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Xunit;

namespace MultitaskLearning.TestUtilities;

/// <summary>The instruction sets that the library's own kernels (the fused training engine and its GEMM) need.</summary>
public static class CpuFeatures
{
    /// <summary>Whether the portable 6 × 16 GEMM micro-kernel and the fused engine can run: AVX2 with FMA, with 256-bit
    /// vectors accelerated (the same condition the fused engine checks before it agrees to train).</summary>
    public static bool HasAvx2AndFma { get; } = Avx2.IsSupported && Fma.IsSupported && Vector256.IsHardwareAccelerated;

    /// <summary>Whether the 12 × 32 AVX-512 GEMM micro-kernel is used: AVX-512F with 512-bit vectors accelerated (.NET
    /// reports them as not accelerated on processors that slow down under AVX-512, and the kernel is not used there).</summary>
    public static bool HasAvx512 { get; } = Avx512F.IsSupported && Vector512.IsHardwareAccelerated;

    /// <summary>The skip reason for tests that need AVX2 with FMA.</summary>
    public const string NoAvx2Reason = "The processor (or the .NET runtime's configuration) lacks AVX2 with FMA, which the fused training engine and its GEMM kernels need; the autograd engine is tested instead.";

    /// <summary>The skip reason for tests of the AVX-512 micro-kernel.</summary>
    public const string NoAvx512Reason = "The processor (or the .NET runtime's configuration) has no accelerated AVX-512, so the AVX-512 GEMM micro-kernel is not used here.";
}

/// <summary>A <see cref="FactAttribute"/> that is skipped, with the reason, where <see cref="CpuFeatures.HasAvx2AndFma"/>
/// is false.</summary>
public sealed class FactRequiresAvx2Attribute : FactAttribute
{
    /// <summary>Creates the attribute.</summary>
    public FactRequiresAvx2Attribute()
    {
        if (!CpuFeatures.HasAvx2AndFma)
        {
            Skip = CpuFeatures.NoAvx2Reason;
        }
    }
}

/// <summary>A <see cref="TheoryAttribute"/> that is skipped, with the reason, where <see cref="CpuFeatures.HasAvx2AndFma"/>
/// is false.</summary>
public sealed class TheoryRequiresAvx2Attribute : TheoryAttribute
{
    /// <summary>Creates the attribute.</summary>
    public TheoryRequiresAvx2Attribute()
    {
        if (!CpuFeatures.HasAvx2AndFma)
        {
            Skip = CpuFeatures.NoAvx2Reason;
        }
    }
}

/// <summary>A <see cref="FactAttribute"/> that is skipped, with the reason, where <see cref="CpuFeatures.HasAvx512"/> is
/// false.</summary>
public sealed class FactRequiresAvx512Attribute : FactAttribute
{
    /// <summary>Creates the attribute.</summary>
    public FactRequiresAvx512Attribute()
    {
        if (!CpuFeatures.HasAvx512)
        {
            Skip = CpuFeatures.NoAvx512Reason;
        }
    }
}

/// <summary>A <see cref="TheoryAttribute"/> that is skipped, with the reason, where <see cref="CpuFeatures.HasAvx512"/>
/// is false.</summary>
public sealed class TheoryRequiresAvx512Attribute : TheoryAttribute
{
    /// <summary>Creates the attribute.</summary>
    public TheoryRequiresAvx512Attribute()
    {
        if (!CpuFeatures.HasAvx512)
        {
            Skip = CpuFeatures.NoAvx512Reason;
        }
    }
}
