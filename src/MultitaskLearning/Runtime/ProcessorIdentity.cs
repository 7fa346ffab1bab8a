using System.Runtime.Intrinsics.X86;
using System.Text;

namespace MultitaskLearning.Runtime;

/// <summary>The processor's vendor string and family as CPUID reports them (x86 and x64 only).</summary>
/// <param name="Vendor">For example <c>AuthenticAMD</c> or <c>GenuineIntel</c>; empty on other architectures.</param>
/// <param name="Family">The display family (base family plus extended family when the base is 0xF), 0 when unknown.</param>
internal sealed record ProcessorIdentity(string Vendor, int Family)
{
    /// <summary>The processor this process runs on.</summary>
    public static ProcessorIdentity Current { get; } = Read();

    private static ProcessorIdentity Read()
    {
        if (!X86Base.IsSupported)
        {
            return new ProcessorIdentity(string.Empty, 0);
        }

        var (_, ebx, ecx, edx) = X86Base.CpuId(0, 0);
        var vendor = new StringBuilder(12);
        foreach (var register in new[] { ebx, edx, ecx })
        {
            for (var shift = 0; shift < 32; shift += 8)
            {
                vendor.Append((char)((register >> shift) & 0xFF));
            }
        }

        var (eax, _, _, _) = X86Base.CpuId(1, 0);
        var baseFamily = (eax >> 8) & 0xF;
        var family = baseFamily == 0xF ? baseFamily + ((eax >> 20) & 0xFF) : baseFamily;
        return new ProcessorIdentity(vendor.ToString(), family);
    }
}
