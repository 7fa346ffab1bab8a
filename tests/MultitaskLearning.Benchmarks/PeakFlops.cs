using System.Diagnostics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MultitaskLearning.Benchmarks;

/// <summary>
/// The processor's measured FMA peak: independent fused multiply-add chains in registers (512-bit where the processor
/// has AVX-512, else 256-bit), one chain set per thread, best of several timed rounds. Every table of <c>bench train</c>
/// states the kernels' GFLOP/s against this figure.
/// </summary>
internal static class PeakFlops
{
    private const long Iterations = 20_000_000;

    /// <summary>GFLOP/s with <paramref name="threads"/> threads running the chains at once (best of 5 rounds).</summary>
    public static double Measure(int threads)
    {
        var best = double.MaxValue;
        for (var round = 0; round < 5; round++)
        {
            var clock = Stopwatch.StartNew();
            var sums = new float[threads];
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t => sums[t] = Chains(Iterations));
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
            GC.KeepAlive(sums);
        }

        return threads * Iterations * FlopPerIteration / best / 1e9;
    }

    /// <summary>Lanes × 2 (multiply and add) × 12 chains.</summary>
    private static double FlopPerIteration => (Avx512F.IsSupported ? 16 : 8) * 2.0 * 12;

    /// <summary>Vector width used by the probe.</summary>
    public static string Isa => Avx512F.IsSupported ? "AVX-512 FMA" : Fma.IsSupported ? "AVX2 FMA" : "no FMA";

    private static float Chains(long iterations) => Avx512F.IsSupported ? Chains512(iterations) : Chains256(iterations);

    private static float Chains512(long iterations)
    {
        var a = Vector512.Create(0.999f);
        var b = Vector512.Create(1e-7f);
        Vector512<float> c0 = Vector512.Create(1f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (long i = 0; i < iterations; i++)
        {
            c0 = Avx512F.FusedMultiplyAdd(c0, a, b);
            c1 = Avx512F.FusedMultiplyAdd(c1, a, b);
            c2 = Avx512F.FusedMultiplyAdd(c2, a, b);
            c3 = Avx512F.FusedMultiplyAdd(c3, a, b);
            c4 = Avx512F.FusedMultiplyAdd(c4, a, b);
            c5 = Avx512F.FusedMultiplyAdd(c5, a, b);
            c6 = Avx512F.FusedMultiplyAdd(c6, a, b);
            c7 = Avx512F.FusedMultiplyAdd(c7, a, b);
            c8 = Avx512F.FusedMultiplyAdd(c8, a, b);
            c9 = Avx512F.FusedMultiplyAdd(c9, a, b);
            c10 = Avx512F.FusedMultiplyAdd(c10, a, b);
            c11 = Avx512F.FusedMultiplyAdd(c11, a, b);
        }

        return Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }

    private static float Chains256(long iterations)
    {
        if (!Fma.IsSupported)
        {
            throw new PlatformNotSupportedException("The peak probe needs FMA (x86-64 with FMA3).");
        }

        var a = Vector256.Create(0.999f);
        var b = Vector256.Create(1e-7f);
        Vector256<float> c0 = Vector256.Create(1f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (long i = 0; i < iterations; i++)
        {
            c0 = Fma.MultiplyAdd(c0, a, b);
            c1 = Fma.MultiplyAdd(c1, a, b);
            c2 = Fma.MultiplyAdd(c2, a, b);
            c3 = Fma.MultiplyAdd(c3, a, b);
            c4 = Fma.MultiplyAdd(c4, a, b);
            c5 = Fma.MultiplyAdd(c5, a, b);
            c6 = Fma.MultiplyAdd(c6, a, b);
            c7 = Fma.MultiplyAdd(c7, a, b);
            c8 = Fma.MultiplyAdd(c8, a, b);
            c9 = Fma.MultiplyAdd(c9, a, b);
            c10 = Fma.MultiplyAdd(c10, a, b);
            c11 = Fma.MultiplyAdd(c11, a, b);
        }

        return Vector256.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }
}
