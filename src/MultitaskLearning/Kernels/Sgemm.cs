using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MultitaskLearning.Kernels;

/// <summary>
/// Single-precision matrix product C ← α·op(A)·op(B) + β·C on row-major matrices, blocked and packed in the manner of
/// BLIS/GotoBLAS: B is packed into panels of NR columns, A into panels of MR rows (α folded in),
/// and a register-blocked micro-kernel accumulates a MR × NR tile over a block of k. On AVX-512 the micro-kernel is
/// 12 × 32 (24 zmm accumulators); elsewhere a portable 6 × 16 kernel on <see cref="Vector256{T}"/> is used.
/// Large products are split between the threads of a <see cref="KernelThreads"/> pool, one contiguous share of the
/// larger dimension of C per thread.
/// </summary>
/// <remarks>Written for the fused dense training engine: libtorch's CPU GEMM does not use AVX-512 on AMD processors,
/// and training small multilayer perceptrons spends most of its time in a handful of products per step.</remarks>
internal static unsafe class Sgemm
{
    private const int KC = 256;
    private const int NC = 1024;
    private const int MC = 144;

    private static long profileTicks;
    private static long profilePackTicks;
    private static long profileFlops;

    /// <summary>Whether calls and their packing are timed (for the benchmarks' profile; off by default).</summary>
    public static bool Profiling { get; set; }

    /// <summary>Stopwatch ticks spent in <see cref="Multiply"/> while profiling, the part of them spent packing
    /// (summed over threads), and the floating-point operations done.</summary>
    public static (long Ticks, long PackTicks, long Flops) Profile => (Interlocked.Read(ref profileTicks), Interlocked.Read(ref profilePackTicks), Interlocked.Read(ref profileFlops));

    /// <summary>Clears the profile counters.</summary>
    public static void ResetProfile()
    {
        Interlocked.Exchange(ref profileTicks, 0);
        Interlocked.Exchange(ref profilePackTicks, 0);
        Interlocked.Exchange(ref profileFlops, 0);
    }

    /// <summary>Whether the 12 × 32 AVX-512 micro-kernel is used.</summary>
    public static bool UsesAvx512 { get; } = Avx512F.IsSupported && Vector512.IsHardwareAccelerated;

    /// <summary>C[m×n] ← α·op(A)·op(B) + β·C. op(A) is m × k: A[i·lda + p], or A[p·lda + i] when <paramref name="transA"/>;
    /// op(B) is k × n: B[p·ldb + j], or B[j·ldb + p] when <paramref name="transB"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(
        bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc,
        KernelThreads? threads = null)
    {
        if (m <= 0 || n <= 0)
        {
            return;
        }

        if (!Profiling)
        {
            MultiplyCore(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads, UsesAvx512);
            return;
        }

        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        MultiplyCore(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads, UsesAvx512);
        Interlocked.Add(ref profileTicks, System.Diagnostics.Stopwatch.GetTimestamp() - start);
        Interlocked.Add(ref profileFlops, 2L * m * n * k);
    }

    /// <summary><see cref="Multiply"/> with the portable 6 × 16 micro-kernel even where AVX-512 is available (for tests).</summary>
    internal static void MultiplyPortable(
        bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc,
        KernelThreads? threads = null)
    {
        if (m > 0 && n > 0)
        {
            MultiplyCore(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads, wide: false);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyCore(
        bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc,
        KernelThreads? threads, bool wide)
    {
        // With β = 0 the first k-block stores its tiles instead of adding them to a cleared C (one pass over C fewer).
        var overwrite = beta == 0 && k > 0 && alpha != 0;
        if (!overwrite)
        {
            ScaleC(m, n, beta, c, ldc);
        }

        if (k <= 0 || alpha == 0)
        {
            return;
        }

        var workers = threads?.Active ?? 1;
        var flops = 2.0 * m * n * k;
        int mr = wide ? 12 : 6, nr = wide ? 32 : 16;
        if (workers <= 1 || flops < 4e6)
        {
            Serial(transA, transB, m, n, k, alpha, a, lda, b, ldb, c, ldc, 0, n, wide, overwrite);
            return;
        }

        // One contiguous share of the larger dimension of C per thread: each thread packs only its share of one operand
        // and all of the other, so more chunks would repack the shared operand more often. A thread that loses its core
        // to another process delays only its own share.
        var splitColumns = n >= m ? n >= 2 * nr : m < 2 * mr;
        var extent = splitColumns ? n : m;
        var unit = splitColumns ? nr : mr;
        var chunks = Math.Min(extent / unit, workers);
        if (chunks <= 1)
        {
            Serial(transA, transB, m, n, k, alpha, a, lda, b, ldb, c, ldc, 0, n, wide, overwrite);
            return;
        }

        var units = (extent + unit - 1) / unit;
        var job = new Job(transA, transB, m, n, k, alpha, a, lda, b, ldb, c, ldc, splitColumns, unit, units, chunks, wide, overwrite);
        threads!.Run(chunks, job.RunChunk);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScaleC(int m, int n, float beta, float* c, int ldc)
    {
        if (beta == 1)
        {
            return;
        }

        for (var i = 0; i < m; i++)
        {
            var row = new Span<float>(c + ((long)i * ldc), n);
            if (beta == 0)
            {
                row.Clear();
            }
            else
            {
                for (var j = 0; j < n; j++)
                {
                    row[j] *= beta;
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Serial(bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb, float* c, int ldc, int j0, int j1, bool wide, bool overwrite)
    {
        int mr = wide ? 12 : 6, nr = wide ? 32 : 16;
        var buffers = PackBuffers.Current;
        var packedA = buffers.A;
        var packedB = buffers.B;
        for (var jc = j0; jc < j1; jc += NC)
        {
            var nc = Math.Min(NC, j1 - jc);
            for (var pc = 0; pc < k; pc += KC)
            {
                var kc = Math.Min(KC, k - pc);
                var packStart = Profiling ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
                PackB(transB, b, ldb, pc, kc, jc, nc, packedB, nr);
                if (Profiling)
                {
                    Interlocked.Add(ref profilePackTicks, System.Diagnostics.Stopwatch.GetTimestamp() - packStart);
                }

                for (var ic = 0; ic < m; ic += MC)
                {
                    var mcBlock = Math.Min(MC, m - ic);
                    packStart = Profiling ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
                    PackA(transA, a, lda, alpha, ic, mcBlock, pc, kc, packedA, mr);
                    if (Profiling)
                    {
                        Interlocked.Add(ref profilePackTicks, System.Diagnostics.Stopwatch.GetTimestamp() - packStart);
                    }

                    for (var jr = 0; jr < nc; jr += nr)
                    {
                        var nrTile = Math.Min(nr, nc - jr);
                        var bPanel = packedB + ((long)jr * kc);
                        for (var ir = 0; ir < mcBlock; ir += mr)
                        {
                            var mrTile = Math.Min(mr, mcBlock - ir);
                            var aPanel = packedA + ((long)ir * kc);
                            var cTile = c + ((long)(ic + ir) * ldc) + jc + jr;
                            if (wide)
                            {
                                Kernel12x32(kc, aPanel, bPanel, cTile, ldc, mrTile, nrTile, overwrite && pc == 0);
                            }
                            else
                            {
                                Kernel6x16(kc, aPanel, bPanel, cTile, ldc, mrTile, nrTile, overwrite && pc == 0);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>Packs op(A)[ic.., pc..] into MR-row panels, k-major, scaled by α and zero-padded to whole panels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA(bool transA, float* a, int lda, float alpha, int ic, int mc, int pc, int kc, float* packed, int mr)
    {
        var scale = Vector128.Create(alpha);
        if (transA)
        {
            // Element (i, p) at a[p·lda + i]: a block of rows of A (contiguous along i) holds a stretch of every panel.
            // Panel by panel within a block of 16 rows, so that the rows read and the panel stretch written stay in the
            // first-level cache; whole 12-row panels are plain vector copies (with both, the CNN's weight-gradient product
            // went from 1.78 to 0.95 ms on Zen 5).
            for (var p0 = 0; p0 < kc; p0 += 16)
            {
                var p1 = Math.Min(p0 + 16, kc);
                for (var ir = 0; ir < mc; ir += mr)
                {
                    var rows = Math.Min(mr, mc - ir);
                    if (rows == 12 && mr == 12 && alpha == 1)
                    {
                        for (var p = p0; p < p1; p++)
                        {
                            var source = a + ((long)(pc + p) * lda) + ic + ir;
                            var target = packed + ((long)ir * kc) + ((long)p * 12);
                            Vector256.Load(source).Store(target);
                            Vector128.Load(source + 8).Store(target + 8);
                        }

                        continue;
                    }

                    for (var p = p0; p < p1; p++)
                    {
                        var source = a + ((long)(pc + p) * lda) + ic + ir;
                        var target = packed + ((long)ir * kc) + ((long)p * mr);
                        var r = 0;
                        for (; r + 4 <= rows; r += 4)
                        {
                            (Vector128.Load(source + r) * scale).Store(target + r);
                        }

                        for (; r < rows; r++)
                        {
                            target[r] = alpha * source[r];
                        }

                        for (; r < mr; r++)
                        {
                            target[r] = 0;
                        }
                    }
                }
            }

            return;
        }

        for (var ir = 0; ir < mc; ir += mr)
        {
            var rows = Math.Min(mr, mc - ir);
            var panel = packed + ((long)ir * kc);
            // Element (i, p) at a[i·lda + p]: four rows by four values at a time, transposed in registers.
            var r0 = 0;
            for (; r0 + 4 <= rows; r0 += 4)
            {
                var s0 = a + ((long)(ic + ir + r0) * lda) + pc;
                var s1 = s0 + lda;
                var s2 = s1 + lda;
                var s3 = s2 + lda;
                var target = panel + r0;
                var p = 0;
                if (Sse.IsSupported)
                {
                    for (; p + 4 <= kc; p += 4, target += 4 * mr)
                    {
                        var t0 = Sse.UnpackLow(Vector128.Load(s0 + p), Vector128.Load(s1 + p));
                        var t1 = Sse.UnpackLow(Vector128.Load(s2 + p), Vector128.Load(s3 + p));
                        var t2 = Sse.UnpackHigh(Vector128.Load(s0 + p), Vector128.Load(s1 + p));
                        var t3 = Sse.UnpackHigh(Vector128.Load(s2 + p), Vector128.Load(s3 + p));
                        (Sse.MoveLowToHigh(t0, t1) * scale).Store(target);
                        (Sse.MoveHighToLow(t1, t0) * scale).Store(target + mr);
                        (Sse.MoveLowToHigh(t2, t3) * scale).Store(target + (2 * mr));
                        (Sse.MoveHighToLow(t3, t2) * scale).Store(target + (3 * mr));
                    }
                }

                for (; p < kc; p++, target += mr)
                {
                    target[0] = alpha * s0[p];
                    target[1] = alpha * s1[p];
                    target[2] = alpha * s2[p];
                    target[3] = alpha * s3[p];
                }
            }

            for (var r = r0; r < mr; r++)
            {
                var target = panel + r;
                if (r >= rows)
                {
                    for (var p = 0; p < kc; p++)
                    {
                        target[(long)p * mr] = 0;
                    }

                    continue;
                }

                var source = a + ((long)(ic + ir + r) * lda) + pc;
                for (var p = 0; p < kc; p++)
                {
                    target[(long)p * mr] = alpha * source[p];
                }
            }
        }
    }

    /// <summary>Packs op(B)[pc.., jc..] into NR-column panels, k-major, zero-padded to whole panels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB(bool transB, float* b, int ldb, int pc, int kc, int jc, int nc, float* packed, int nr)
    {
        for (var jr = 0; jr < nc; jr += nr)
        {
            var columns = Math.Min(nr, nc - jr);
            var panel = packed + ((long)jr * kc);
            if (!transB)
            {
                for (var p = 0; p < kc; p++)
                {
                    var source = b + ((long)(pc + p) * ldb) + jc + jr;
                    var target = panel + ((long)p * nr);
                    if (columns == nr)
                    {
                        Unsafe.CopyBlockUnaligned(target, source, (uint)(nr * sizeof(float)));
                    }
                    else
                    {
                        var j = 0;
                        for (; j < columns; j++)
                        {
                            target[j] = source[j];
                        }

                        for (; j < nr; j++)
                        {
                            target[j] = 0;
                        }
                    }
                }
            }
            else
            {
                // Element (p, j) at b[j·ldb + p]: each column of the panel is contiguous in B.
                for (var j = 0; j < nr; j++)
                {
                    var target = panel + j;
                    if (j >= columns)
                    {
                        for (var p = 0; p < kc; p++)
                        {
                            target[(long)p * nr] = 0;
                        }

                        continue;
                    }

                    var source = b + ((long)(jc + jr + j) * ldb) + pc;
                    for (var p = 0; p < kc; p++)
                    {
                        target[(long)p * nr] = source[p];
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel12x32(int kc, float* a, float* b, float* c, int ldc, int mr, int nr, bool overwrite)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default, c80 = default, c81 = default;
        Vector512<float> c90 = default, c91 = default, ca0 = default, ca1 = default, cb0 = default, cb1 = default;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var x = Vector512.Create(a[0]);
            c00 = Avx512F.FusedMultiplyAdd(x, b0, c00);
            c01 = Avx512F.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a[1]);
            c10 = Avx512F.FusedMultiplyAdd(x, b0, c10);
            c11 = Avx512F.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a[2]);
            c20 = Avx512F.FusedMultiplyAdd(x, b0, c20);
            c21 = Avx512F.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a[3]);
            c30 = Avx512F.FusedMultiplyAdd(x, b0, c30);
            c31 = Avx512F.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a[4]);
            c40 = Avx512F.FusedMultiplyAdd(x, b0, c40);
            c41 = Avx512F.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a[5]);
            c50 = Avx512F.FusedMultiplyAdd(x, b0, c50);
            c51 = Avx512F.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(a[6]);
            c60 = Avx512F.FusedMultiplyAdd(x, b0, c60);
            c61 = Avx512F.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(a[7]);
            c70 = Avx512F.FusedMultiplyAdd(x, b0, c70);
            c71 = Avx512F.FusedMultiplyAdd(x, b1, c71);
            x = Vector512.Create(a[8]);
            c80 = Avx512F.FusedMultiplyAdd(x, b0, c80);
            c81 = Avx512F.FusedMultiplyAdd(x, b1, c81);
            x = Vector512.Create(a[9]);
            c90 = Avx512F.FusedMultiplyAdd(x, b0, c90);
            c91 = Avx512F.FusedMultiplyAdd(x, b1, c91);
            x = Vector512.Create(a[10]);
            ca0 = Avx512F.FusedMultiplyAdd(x, b0, ca0);
            ca1 = Avx512F.FusedMultiplyAdd(x, b1, ca1);
            x = Vector512.Create(a[11]);
            cb0 = Avx512F.FusedMultiplyAdd(x, b0, cb0);
            cb1 = Avx512F.FusedMultiplyAdd(x, b1, cb1);
            a += 12;
            b += 32;
        }

        if (mr == 12 && nr == 32 && overwrite)
        {
            Store(c, c00, c01);
            Store(c + ldc, c10, c11);
            Store(c + (2 * ldc), c20, c21);
            Store(c + (3 * ldc), c30, c31);
            Store(c + (4 * ldc), c40, c41);
            Store(c + (5 * ldc), c50, c51);
            Store(c + (6 * ldc), c60, c61);
            Store(c + (7 * ldc), c70, c71);
            Store(c + (8 * ldc), c80, c81);
            Store(c + (9 * ldc), c90, c91);
            Store(c + (10 * ldc), ca0, ca1);
            Store(c + (11 * ldc), cb0, cb1);
            return;
        }

        if (mr == 12 && nr == 32)
        {
            Add(c, c00, c01);
            Add(c + ldc, c10, c11);
            Add(c + (2 * ldc), c20, c21);
            Add(c + (3 * ldc), c30, c31);
            Add(c + (4 * ldc), c40, c41);
            Add(c + (5 * ldc), c50, c51);
            Add(c + (6 * ldc), c60, c61);
            Add(c + (7 * ldc), c70, c71);
            Add(c + (8 * ldc), c80, c81);
            Add(c + (9 * ldc), c90, c91);
            Add(c + (10 * ldc), ca0, ca1);
            Add(c + (11 * ldc), cb0, cb1);
            return;
        }

        var tile = stackalloc float[12 * 32];
        Store(tile, c00, c01);
        Store(tile + 32, c10, c11);
        Store(tile + 64, c20, c21);
        Store(tile + 96, c30, c31);
        Store(tile + 128, c40, c41);
        Store(tile + 160, c50, c51);
        Store(tile + 192, c60, c61);
        Store(tile + 224, c70, c71);
        Store(tile + 256, c80, c81);
        Store(tile + 288, c90, c91);
        Store(tile + 320, ca0, ca1);
        Store(tile + 352, cb0, cb1);
        AddPartial(tile, 32, c, ldc, mr, nr, overwrite);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add(float* row, Vector512<float> low, Vector512<float> high)
    {
        Vector512.Store(Vector512.Load(row) + low, row);
        Vector512.Store(Vector512.Load(row + 16) + high, row + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* row, Vector512<float> low, Vector512<float> high)
    {
        Vector512.Store(low, row);
        Vector512.Store(high, row + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddPartial(float* tile, int tileStride, float* c, int ldc, int mr, int nr, bool overwrite)
    {
        for (var i = 0; i < mr; i++)
        {
            for (var j = 0; j < nr; j++)
            {
                c[((long)i * ldc) + j] = overwrite ? tile[(i * tileStride) + j] : c[((long)i * ldc) + j] + tile[(i * tileStride) + j];
            }
        }
    }

    /// <summary>a·b + c per lane with one rounding (fused), on every target framework: Vector256.FusedMultiplyAdd exists
    /// from .NET 9; on .NET 8 the FMA instruction, or MathF.FusedMultiplyAdd per lane where the processor lacks it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c)
    {
#if NET9_0_OR_GREATER
        return Vector256.FusedMultiplyAdd(a, b, c);
#else
        if (Fma.IsSupported)
        {
            return Fma.MultiplyAdd(a, b, c);
        }

        Span<float> lanes = stackalloc float[Vector256<float>.Count];
        for (var i = 0; i < lanes.Length; i++)
        {
            lanes[i] = MathF.FusedMultiplyAdd(a.GetElement(i), b.GetElement(i), c.GetElement(i));
        }

        return Vector256.Create<float>(lanes);
#endif
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel6x16(int kc, float* a, float* b, float* c, int ldc, int mr, int nr, bool overwrite)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var x = Vector256.Create(a[0]);
            c00 = MultiplyAdd(x, b0, c00);
            c01 = MultiplyAdd(x, b1, c01);
            x = Vector256.Create(a[1]);
            c10 = MultiplyAdd(x, b0, c10);
            c11 = MultiplyAdd(x, b1, c11);
            x = Vector256.Create(a[2]);
            c20 = MultiplyAdd(x, b0, c20);
            c21 = MultiplyAdd(x, b1, c21);
            x = Vector256.Create(a[3]);
            c30 = MultiplyAdd(x, b0, c30);
            c31 = MultiplyAdd(x, b1, c31);
            x = Vector256.Create(a[4]);
            c40 = MultiplyAdd(x, b0, c40);
            c41 = MultiplyAdd(x, b1, c41);
            x = Vector256.Create(a[5]);
            c50 = MultiplyAdd(x, b0, c50);
            c51 = MultiplyAdd(x, b1, c51);
            a += 6;
            b += 16;
        }

        var tile = stackalloc float[6 * 16];
        c00.Store(tile);
        c01.Store(tile + 8);
        c10.Store(tile + 16);
        c11.Store(tile + 24);
        c20.Store(tile + 32);
        c21.Store(tile + 40);
        c30.Store(tile + 48);
        c31.Store(tile + 56);
        c40.Store(tile + 64);
        c41.Store(tile + 72);
        c50.Store(tile + 80);
        c51.Store(tile + 88);
        AddPartial(tile, 16, c, ldc, mr, nr, overwrite);
    }

    /// <summary>One multi-threaded product: chunk i covers a contiguous range of column (or row) panels.</summary>
    private sealed class Job(
        bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb, float* c, int ldc,
        bool splitColumns, int unit, int units, int chunks, bool wide, bool overwrite)
    {
        public void RunChunk(int chunk)
        {
            var first = (int)((long)units * chunk / chunks) * unit;
            var last = (int)((long)units * (chunk + 1) / chunks) * unit;
            if (splitColumns)
            {
                Serial(transA, transB, m, n, k, alpha, a, lda, b, ldb, c, ldc, first, Math.Min(last, n), wide, overwrite);
            }
            else
            {
                var rows = Math.Min(last, m) - first;
                if (rows > 0)
                {
                    var aStart = transA ? a + first : a + ((long)first * lda);
                    Serial(transA, transB, rows, n, k, alpha, aStart, lda, b, ldb, c + ((long)first * ldc), ldc, 0, n, wide, overwrite);
                }
            }
        }
    }

    /// <summary>Per-thread packing buffers, 64-byte aligned, allocated once per thread.</summary>
    private sealed class PackBuffers
    {
        [ThreadStatic]
        private static PackBuffers? current;

        private PackBuffers()
        {
            A = (float*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc((nuint)(MC + 16) * KC * sizeof(float), 64);
            B = (float*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc((nuint)(NC + 32) * KC * sizeof(float), 64);
        }

        ~PackBuffers()
        {
            System.Runtime.InteropServices.NativeMemory.AlignedFree(A);
            System.Runtime.InteropServices.NativeMemory.AlignedFree(B);
        }

        public static PackBuffers Current => current ??= new PackBuffers();

        public float* A { get; }

        public float* B { get; }
    }
}
