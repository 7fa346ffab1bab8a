using BenchmarkDotNet.Attributes;
using MultitaskLearning.Kernels;
using static TorchSharp.torch;

namespace MultitaskLearning.Benchmarks;

/// <summary>
/// BenchmarkDotNet micro-benchmarks of the fused engine's building blocks against libtorch on the <c>big</c> workload's
/// shapes: the layer-1 forward product [256 × 784] · [784 × 512] and its weight-gradient product, and the SGD update
/// of 535,818 parameters. One thread.
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public unsafe class KernelBenchmarks
{
    private const int Batch = 256;
    private const int In = 784;
    private const int Out = 512;
    private const int ParameterCount = 535_818;
    private float[] x = [];
    private float[] w = [];
    private float[] c = [];
    private float[] dz = [];
    private float[] dw = [];
    private float[] p = [];
    private float[] g = [];
    private float[] v = [];
    private Tensor? tx;
    private Tensor? tw;
    private Tensor? tdz;
    private Tensor? tp;
    private Tensor? tg;
    private Tensor? tv;

    /// <summary>Creates the operands.</summary>
    [GlobalSetup]
    public void Setup()
    {
        set_num_threads(1);
        var random = new Random(0);
        float[] Fill(int n) => Enumerable.Range(0, n).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        x = Fill(Batch * In);
        w = Fill(In * Out);
        c = new float[Batch * Out];
        dz = Fill(Batch * Out);
        dw = new float[In * Out];
        p = Fill(ParameterCount);
        g = Fill(ParameterCount);
        v = Fill(ParameterCount);
        tx = tensor(x, [Batch, In]);
        tw = tensor(w, [In, Out]);
        tdz = tensor(dz, [Batch, Out]);
        tp = tensor(p);
        tg = tensor(g);
        tv = tensor(v);
    }

    /// <summary>Library kernel: X · W.</summary>
    [Benchmark]
    public void LibraryForwardProduct()
    {
        fixed (float* a = x, b = w, r = c)
        {
            Sgemm.Multiply(false, false, Batch, Out, In, 1, a, In, b, Out, 0, r, Out);
        }
    }

    /// <summary>libtorch: X · W.</summary>
    [Benchmark(Baseline = true)]
    public void TorchForwardProduct()
    {
        using var r = tx!.matmul(tw!);
    }

    /// <summary>Library kernel: Xᵀ · dZ.</summary>
    [Benchmark]
    public void LibraryWeightGradientProduct()
    {
        fixed (float* a = x, b = dz, r = dw)
        {
            Sgemm.Multiply(true, false, In, Out, Batch, 1, a, In, b, Out, 0, r, Out);
        }
    }

    /// <summary>libtorch: Xᵀ · dZ.</summary>
    [Benchmark]
    public void TorchWeightGradientProduct()
    {
        using var t = tx!.t();
        using var r = t.matmul(tdz!);
    }

    /// <summary>Library: fused SGD with momentum over one flat buffer.</summary>
    [Benchmark]
    public void LibrarySgdUpdate()
    {
        fixed (float* pp = p, pg = g, pv = v)
        {
            VectorMath.SgdStep(pp, pg, pv, ParameterCount, 1e-6f, 0.9f, 0, false, false);
        }
    }

    /// <summary>libtorch: the same update as in-place tensor operations (what torch.optim.SGD does per tensor).</summary>
    [Benchmark]
    public void TorchSgdUpdate()
    {
        tv!.mul_(0.9).add_(tg!);
        tp!.add_(tv!, alpha: -1e-6);
    }
}
