using MultitaskLearning.Data;
using MultitaskLearning.Models;
using static TorchSharp.torch;

namespace MultitaskLearning.Models;

/// <summary>One input table turned into tensors once: preprocessed samples, targets (regression targets standardised,
/// missing entries 0) and label masks, ready for batched training or evaluation.</summary>
internal sealed class PreparedInput : IDisposable
{
    public PreparedInput(string inputName, OutputLayout layout, int count, Tensor features, Tensor targets, Tensor present, TaskLossComputer lossComputer)
    {
        InputName = inputName;
        Layout = layout;
        Count = count;
        Features = features;
        Targets = targets;
        Present = present;
        LossComputer = lossComputer;
    }

    public string InputName { get; }

    public OutputLayout Layout { get; }

    public int Count { get; }

    /// <summary>[n, sample shape…], preprocessed.</summary>
    public Tensor Features { get; }

    /// <summary>[n, Σ target widths].</summary>
    public Tensor Targets { get; }

    /// <summary>[n, T_input] of 0/1.</summary>
    public Tensor Present { get; }

    public TaskLossComputer LossComputer { get; }

    public void Dispose()
    {
        Features.Dispose();
        Targets.Dispose();
        Present.Dispose();
        LossComputer.Dispose();
    }
}
