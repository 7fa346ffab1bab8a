namespace MultitaskLearning.Samples.SeedExample;

/// <summary>What one run of the seed example does (the command line's options).</summary>
/// <param name="DataFolder">The seed data folder (speech/ and images/ with manifests, and split.json).</param>
/// <param name="Epochs">Maximum epochs per model.</param>
/// <param name="Seeds">The seeds to train every family with; the table shows mean ± standard deviation over them.</param>
/// <param name="ModelPath">Where the first seed's shared-trunk model is saved (its ONNX form goes next to it).</param>
/// <param name="Predict">WAV or image files to classify with the saved model.</param>
/// <param name="JsonPath">Where the results are written as JSON, or null.</param>
/// <param name="ReportPath">The folder of the training report, or null.</param>
/// <param name="Threads">Training threads, or null for the trainer's contention guard.</param>
internal sealed record SeedRunOptions(
    string DataFolder,
    int Epochs,
    IReadOnlyList<int> Seeds,
    string ModelPath,
    IReadOnlyList<string> Predict,
    string? JsonPath,
    string? ReportPath,
    int? Threads);
