using System.Globalization;

namespace MultitaskLearning.Benchmarks;

/// <summary>
/// One workload of the peer comparison on the MNIST data (tasks digit + 0.5 · parity): the model (<c>mlp</c> = the
/// dense trunk of <see cref="Size"/>, <c>cnn</c>, <c>cnn-hybrid</c>, <c>mmoe</c>; see <c>peers/pytorch_mtl_bench.py</c>),
/// the gradient mode, the optimiser (<c>sgd</c>: lr 0.05, momentum 0.9; <c>adam</c>: lr 1e-3) and the epochs.
/// </summary>
internal sealed record TrainWorkload(string Name, string Model, WorkloadSize Size, string Grad, string Optimizer, int Epochs)
{
    /// <summary>Every workload of <c>bench train</c>, in table order.</summary>
    public static IReadOnlyList<TrainWorkload> All { get; } =
    [
        new("big plain", "mlp", WorkloadSize.Big, "plain", "sgd", 3),
        new("small plain", "mlp", WorkloadSize.Small, "plain", "sgd", 3),
        new("big pcgrad", "mlp", WorkloadSize.Big, "pcgrad", "sgd", 3),
        new("small pcgrad", "mlp", WorkloadSize.Small, "pcgrad", "sgd", 3),
        new("big adam", "mlp", WorkloadSize.Big, "plain", "adam", 2),
        new("cnn adam", "cnn", WorkloadSize.Big, "plain", "adam", 2),
        new("cnn-hybrid adam", "cnn-hybrid", WorkloadSize.Big, "plain", "adam", 2),
        new("mmoe adam", "mmoe", WorkloadSize.Big, "plain", "adam", 2),
    ];

    /// <summary>Whether a model reads the images as 1 × 28 × 28 through a convolutional encoder.</summary>
    public static bool IsConvolutional(string model) => model is "cnn" or "cnn-hybrid";

    /// <summary>Samples per step of a model: 64 for the convolutional ones, the size's batch otherwise (as the peer).</summary>
    public static int BatchSizeFor(string model, WorkloadSize size) => IsConvolutional(model) ? 64 : size.BatchSize;

    /// <summary>The workload named by a <c>--workloads</c> value (the name with '-' or '_' for the space).</summary>
    public static TrainWorkload Parse(string name) =>
        All.FirstOrDefault(w => string.Equals(w.Name.Replace(' ', '-'), name.Replace('_', '-').Replace(' ', '-'), StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown workload '{name}'; use one of {string.Join(", ", All.Select(w => w.Name.Replace(' ', '-')))}.");

    /// <summary>The arguments that select this workload in <c>train-once</c> and in the PyTorch peer (the same names in both).</summary>
    public IEnumerable<string> Arguments =>
        ["--model", Model, "--size", Size.Name, "--grad", Grad, "--optimizer", Optimizer, "--epochs", Epochs.ToString(CultureInfo.InvariantCulture)];
}
