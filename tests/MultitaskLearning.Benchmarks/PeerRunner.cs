using System.Globalization;
using System.IO.Compression;
using System.Text.Json;

namespace MultitaskLearning.Benchmarks;

/// <summary>
/// Runs the PyTorch peer (<c>peers/pytorch_mtl_bench.py</c>, Debian's python3-torch with OpenBLAS) on the same data,
/// at its best on the machine at hand: OpenBLAS's kernels are chosen by timing a 1024³ product under each core type
/// (OpenBLAS 0.3.21 does not recognise every current processor and may fall back to slow kernels), and for two
/// cores the fastest of three torch/OpenBLAS thread splits is taken per workload. The vendored MNIST files are
/// decompressed once into a temporary folder.
/// </summary>
internal sealed class PeerRunner : IDisposable
{
    private static readonly string?[] CoreTypes = [null, "Haswell", "SkylakeX", "Cooperlake"];
    private static readonly (int Torch, int Blas)[] TwoCoreSplits = [(1, 2), (2, 1), (2, 2)];
    private readonly string dataDirectory;
    private readonly string script;
    private readonly Dictionary<string, (int Torch, int Blas)> bestSplits = [];

    private PeerRunner(string python, string script, string dataDirectory, string version)
    {
        Python = python;
        this.script = script;
        this.dataDirectory = dataDirectory;
        Version = version;
    }

    public string Python { get; }

    public string Version { get; }

    /// <summary>The <c>OPENBLAS_CORETYPE</c> the peer runs with (null: OpenBLAS's own detection was fastest).</summary>
    public string? CoreType { get; private set; }

    /// <summary>What the kernel choice measured: per core type, the kernels OpenBLAS reports and its GFLOP/s.</summary>
    public string KernelReport { get; private set; } = "";

    /// <summary>PyTorch's 2048³ product in GFLOP/s with the chosen kernels, per thread count.</summary>
    public IReadOnlyDictionary<int, double> GemmGflops => gemmGflops;

    private readonly Dictionary<int, double> gemmGflops = [];

    /// <summary>The peer, or <see langword="null"/> with the reason when Python or PyTorch is missing.</summary>
    public static (PeerRunner? Peer, string? Reason) TryCreate(string python)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "peers", "pytorch_mtl_bench.py");
        string version;
        try
        {
            version = ChildProcess.Run(python, ["-c", "import torch; print(torch.__version__)"]).Trim();
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return (null, $"{python} with PyTorch is not available ({e.Message.Split('\n')[0]}); run `bash eng/build.sh bench`, which installs python3-torch and libopenblas0-pthread as root, or install them yourself.");
        }

        var directory = Path.Combine(Path.GetTempPath(), $"mtl-bench-mnist-{Environment.ProcessId}");
        Directory.CreateDirectory(directory);
        var source = MnistWorkload.DataDirectory();
        foreach (var name in new[] { "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" })
        {
            using var input = new GZipStream(File.OpenRead(Path.Combine(source, name + ".gz")), CompressionMode.Decompress);
            using var output = File.Create(Path.Combine(directory, name));
            input.CopyTo(output);
        }

        var peer = new PeerRunner(python, script, directory, version);
        peer.ChooseKernels();
        return (peer, null);
    }

    /// <summary>Times a 1024³ product under each OpenBLAS core type (1 thread, best of 3) and keeps the fastest.</summary>
    private void ChooseKernels()
    {
        var report = new List<string>();
        var best = 0.0;
        foreach (var coreType in CoreTypes)
        {
            var environment = new Dictionary<string, string> { ["OPENBLAS_NUM_THREADS"] = "1", ["OPENBLAS_VERBOSE"] = "2" };
            if (coreType is not null)
            {
                environment["OPENBLAS_CORETYPE"] = coreType;
            }

            var (output, error) = ChildProcess.RunCapturing(Python, [script, "--mode", "gemm", "--n", "1024", "--reps", "5", "--threads", "1"], environment);
            var kernels = error.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("Core:", StringComparison.Ordinal))?["Core:".Length..].Trim() ?? "unknown";
            using var json = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
            var gflops = json.RootElement.GetProperty("gflops_best").GetDouble();
            report.Add(string.Create(CultureInfo.InvariantCulture, $"{coreType ?? "auto"} → {kernels} {gflops:F0}"));
            if (gflops > best * 1.03)
            {
                best = gflops;
                CoreType = coreType;
            }
        }

        KernelReport = string.Join(", ", report);
        foreach (var threads in new[] { 1, 2 })
        {
            var output = ChildProcess.Run(Python, [script, "--mode", "gemm", "--n", "2048", "--reps", "5", "--threads", "1"], PeerEnvironment(threads));
            using var json = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
            gemmGflops[threads] = json.RootElement.GetProperty("gflops_best").GetDouble();
        }
    }

    private Dictionary<string, string> PeerEnvironment(int blasThreads)
    {
        var environment = new Dictionary<string, string> { ["OPENBLAS_NUM_THREADS"] = blasThreads.ToString(CultureInfo.InvariantCulture) };
        if (CoreType is not null)
        {
            environment["OPENBLAS_CORETYPE"] = CoreType;
        }

        return environment;
    }

    /// <summary>
    /// One peer run on <paramref name="cores"/> cores. One core: torch 1 thread, OpenBLAS 1. Two cores: the split that
    /// was fastest in a first run of each (chosen once per workload).
    /// </summary>
    public RunResult Train(TrainWorkload workload, int cores, int seed = 0)
    {
        if (cores == 1)
        {
            return Train(workload, (1, 1), cores, seed);
        }

        if (!bestSplits.TryGetValue(workload.Name, out var split))
        {
            var trials = TwoCoreSplits.Select(s => (Split: s, Result: Train(workload, s, cores, seed))).ToArray();
            split = trials.MaxBy(t => t.Result.StepsPerSecond).Split;
            bestSplits[workload.Name] = split;
        }

        return Train(workload, split, cores, seed);
    }

    /// <summary>The two-core thread split chosen for each workload so far, as "torch t + OpenBLAS b".</summary>
    public string Splits => string.Join("; ", bestSplits.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}: torch {p.Value.Torch} + OpenBLAS {p.Value.Blas}")));

    private RunResult Train(TrainWorkload workload, (int Torch, int Blas) split, int cores, int seed)
    {
        var output = ChildProcess.Run(
            Python,
            [script, "--data", dataDirectory, .. workload.Arguments, "--threads", split.Torch.ToString(CultureInfo.InvariantCulture), "--seed", seed.ToString(CultureInfo.InvariantCulture)],
            PeerEnvironment(split.Blas));
        using var json = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        var root = json.RootElement;
        var steady = root.GetProperty("steady_steps_per_s");
        return new RunResult(
            "pytorch", workload.Size.Name, workload.Grad, cores, root.GetProperty("steps").GetInt32(), root.GetProperty("train_s").GetDouble(),
            root.GetProperty("steps_per_s").GetDouble(), steady.ValueKind == JsonValueKind.Null ? double.NaN : steady.GetDouble(),
            root.GetProperty("acc_digit").GetDouble(), root.GetProperty("acc_parity").GetDouble());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
