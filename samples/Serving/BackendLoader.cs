namespace MultitaskLearning.Samples.Serving;

/// <summary>Opens a model file with the back end its name calls for: ONNX Runtime for <c>.onnx</c>, the library's
/// predictor for anything else.</summary>
internal static class BackendLoader
{
    public static IPredictionBackend Open(string? path, ServingOptions options)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException("No model: pass --model PATH (a .mtl file from MultitaskModel.Save, or an .onnx file from MultitaskModel.ExportOnnx).", "model");
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"--model: the file {Path.GetFullPath(path)} does not exist.", path);
        }

        int? threads = options.Threads > 0 ? options.Threads : null;
        return path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) ? OpenOnnx(path, threads) : OpenLibrary(path, threads);
    }

    // Each back end is created in its own method, so that the JIT loads TorchSharp only when a library model is opened.
    private static OnnxBackend OpenOnnx(string path, int? threads) => new(path, threads);

#if ONNX_ONLY
    private static IPredictionBackend OpenLibrary(string path, int? threads) =>
        throw new NotSupportedException($"--model {path}: this server was built with -p:OnnxOnly=true and serves .onnx files only.");
#else
    private static LibraryBackend OpenLibrary(string path, int? threads) => new(path, threads);
#endif
}
