using System.IO.Compression;
using System.Text.Json;

namespace MultitaskLearning.Benchmarks;

/// <summary>
/// Runs the PyTorch peer (<c>peers/pytorch_mtl_bench.py</c>, Debian's python3-torch with OpenBLAS) on the same data:
/// the vendored MNIST files are decompressed once into a temporary folder.
/// </summary>
internal sealed class PeerRunner : IDisposable
{
    private readonly string dataDirectory;
    private readonly string script;

    private PeerRunner(string python, string script, string dataDirectory, string version)
    {
        Python = python;
        this.script = script;
        this.dataDirectory = dataDirectory;
        Version = version;
    }

    public string Python { get; }

    public string Version { get; }

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

        return (new PeerRunner(python, script, directory, version), null);
    }

    /// <summary>One peer run. Two cores use the peer's best configuration: torch 1 thread, OpenBLAS 2 threads.</summary>
    public RunResult Train(WorkloadSize size, string grad, int cores, int seed = 0)
    {
        var output = ChildProcess.Run(
            Python,
            [script, "--data", dataDirectory, "--size", size.Name, "--grad", grad, "--threads", "1", "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            new Dictionary<string, string> { ["OPENBLAS_NUM_THREADS"] = cores.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        using var json = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        var root = json.RootElement;
        var steady = root.GetProperty("steady_steps_per_s");
        return new RunResult(
            "pytorch", size.Name, grad, cores, root.GetProperty("steps").GetInt32(), root.GetProperty("train_s").GetDouble(),
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
