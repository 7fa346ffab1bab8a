namespace MultitaskLearning.Samples.Serving;

/// <summary>The server's settings: configuration keys <c>model</c> (<c>--model PATH</c>) and <c>Serving:…</c>
/// (e.g. <c>--Serving:MaxSamples 64</c>).</summary>
public sealed class ServingOptions
{
    /// <summary>The configuration section of the limits.</summary>
    public const string Section = "Serving";

    /// <summary>The most samples one request may carry.</summary>
    /// <value>Default 256.</value>
    public int MaxSamples { get; set; } = 256;

    /// <summary>The largest request body, in bytes.</summary>
    /// <value>Default 8 MiB.</value>
    public long MaxBodyBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Intra-op threads of the back end (libtorch's, process-wide, or ONNX Runtime's per run); 0 leaves the
    /// back end's default (one per core). One thread per request suits a server that runs requests side by side.</summary>
    /// <value>Default 1.</value>
    public int Threads { get; set; } = 1;
}
