using MultitaskLearning.Kernels;
using MultitaskLearning.TestUtilities;
using Xunit;

namespace MultitaskLearning.Tests.Kernels;

/// <summary>The packed GEMM against a double-precision triple loop, over transpositions, edge tiles, k blocks, α, β,
/// leading dimensions larger than the matrices, two threads, and both micro-kernels (AVX-512 where the processor has it,
/// and the portable AVX2 one that other x64 processors use). Each test is skipped, with the reason, on processors that
/// lack the instructions its kernel needs.</summary>
public sealed unsafe class SgemmTests
{
    public static TheoryData<bool, bool, int, int, int> Shapes()
    {
        var data = new TheoryData<bool, bool, int, int, int>();
        foreach (var transA in new[] { false, true })
        {
            foreach (var transB in new[] { false, true })
            {
                data.Add(transA, transB, 1, 1, 1);
                data.Add(transA, transB, 13, 33, 7);
                data.Add(transA, transB, 37, 70, 300); // edge tiles in m and n, two k blocks
                data.Add(transA, transB, 150, 65, 31); // two m blocks
            }
        }

        return data;
    }

    /// <summary>Both micro-kernels accumulate each element of C as one FMA chain along k per k-block, in the same
    /// order, so an AVX-512 machine and an AVX2-only machine compute the fused engine's products to the same bits.</summary>
    [TheoryRequiresAvx512]
    [MemberData(nameof(Shapes))]
    public void Avx512AndPortableKernels_AreBitIdentical(bool transA, bool transB, int m, int n, int k)
    {
        var random = new Random(m + (7 * n) + (13 * k));
        var a = Enumerable.Range(0, m * k).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var b = Enumerable.Range(0, k * n).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var c = Enumerable.Range(0, m * n).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var wide = (float[])c.Clone();
        var portable = (float[])c.Clone();
        fixed (float* pa = a, pb = b, pw = wide, pp = portable)
        {
            Sgemm.Multiply(transA, transB, m, n, k, 0.7f, pa, transA ? m : k, pb, transB ? k : n, 0.3f, pw, n);
            Sgemm.MultiplyPortable(transA, transB, m, n, k, 0.7f, pa, transA ? m : k, pb, transB ? k : n, 0.3f, pp, n);
        }

        Assert.Equal(wide, portable);
    }

    [TheoryRequiresAvx512]
    [MemberData(nameof(Shapes))]
    public void Multiply_Avx512Kernel_MatchesReference(bool transA, bool transB, int m, int n, int k)
    {
        Assert.True(Sgemm.UsesAvx512, "Multiply should take the AVX-512 micro-kernel on this processor");
        CheckAll(transA, transB, m, n, k, portable: false);
    }

    [TheoryRequiresAvx2]
    [MemberData(nameof(Shapes))]
    public void Multiply_PortableKernel_MatchesReference(bool transA, bool transB, int m, int n, int k) =>
        CheckAll(transA, transB, m, n, k, portable: true);

    [FactRequiresAvx2]
    public void Multiply_LargeProductOnTwoThreads_MatchesOneThread()
    {
        // Large enough to be split between the threads (the split is by rows here, m > n).
        const int m = 300, n = 96, k = 200;
        var random = new Random(4);
        var a = Enumerable.Range(0, m * k).Select(_ => (float)random.NextDouble()).ToArray();
        var b = Enumerable.Range(0, k * n).Select(_ => (float)random.NextDouble()).ToArray();
        var one = new float[m * n];
        var two = new float[m * n];
        using var pool = new KernelThreads(2);
        fixed (float* pa = a, pb = b, p1 = one, p2 = two)
        {
            Sgemm.Multiply(false, false, m, n, k, 1, pa, k, pb, n, 0, p1, n);
            Sgemm.Multiply(false, false, m, n, k, 1, pa, k, pb, n, 0, p2, n, pool);
        }

        Assert.Equal(one, two);
    }

    private static void CheckAll(bool transA, bool transB, int m, int n, int k, bool portable)
    {
        foreach (var threads in new[] { 1, 2 })
        {
            using var pool = new KernelThreads(threads);
            Check(transA, transB, m, n, k, alpha: 1, beta: 0, pool, portable);
            Check(transA, transB, m, n, k, alpha: -0.5f, beta: 1, pool, portable);
            Check(transA, transB, m, n, k, alpha: 2, beta: 0.25f, pool, portable);
        }
    }

    private static void Check(bool transA, bool transB, int m, int n, int k, float alpha, float beta, KernelThreads pool, bool portable)
    {
        var random = new Random((m * 31) + (n * 7) + k);
        // Leading dimensions larger than the stored extent, to catch stride mistakes.
        int lda = (transA ? m : k) + 3, ldb = (transB ? k : n) + 2, ldc = n + 5;
        var a = Enumerable.Range(0, (transA ? k : m) * lda).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var b = Enumerable.Range(0, (transB ? n : k) * ldb).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var c = Enumerable.Range(0, m * ldc).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var expected = (float[])c.Clone();
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                double sum = 0;
                for (var p = 0; p < k; p++)
                {
                    var av = transA ? a[(p * lda) + i] : a[(i * lda) + p];
                    var bv = transB ? b[(j * ldb) + p] : b[(p * ldb) + j];
                    sum += av * bv;
                }

                expected[(i * ldc) + j] = (float)((alpha * sum) + (beta * c[(i * ldc) + j]));
            }
        }

        fixed (float* pa = a, pb = b, pc = c)
        {
            if (portable)
            {
                Sgemm.MultiplyPortable(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, pool);
            }
            else
            {
                Sgemm.Multiply(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, pool);
            }
        }

        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < ldc; j++)
            {
                var index = (i * ldc) + j;
                var want = expected[index]; // columns past n keep their values
                Assert.True(Math.Abs(c[index] - want) <= 1e-4 * (1 + Math.Abs(want)), $"C[{i},{j}] = {c[index]}, expected {want} (transA {transA}, transB {transB}, {m}×{n}×{k}, α {alpha}, β {beta}, portable {portable})");
            }
        }
    }
}
