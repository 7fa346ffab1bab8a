namespace MultitaskLearning.Samples.Serving;

/// <summary>What <c>GET /model</c> answers: the served model's inputs and tasks, and how it is run.</summary>
/// <param name="Backend">"library" (MultitaskPredictor on TorchSharp) or "onnx" (ONNX Runtime).</param>
/// <param name="File">The model file's name.</param>
/// <param name="Family">The model family (e.g. "shared-trunk").</param>
/// <param name="LibraryVersion">The MultitaskLearning version: the loaded library's (library back end) or the one the
/// server was built with (ONNX back end).</param>
/// <param name="Inputs">The inputs.</param>
/// <param name="Tasks">The tasks.</param>
public sealed record ModelDescription(
    string Backend,
    string File,
    string Family,
    string LibraryVersion,
    IReadOnlyList<InputDescription> Inputs,
    IReadOnlyList<TaskDescription> Tasks);
