using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MultitaskLearning.Models;

/// <summary>
/// The parameters that belong to one task alone: its hidden layers (tower, or a whole network in the task-specific
/// family) and its output head. Weights are stored input-major ([in, out]) so that the branches of several tasks stack
/// into one batched matrix product.
/// </summary>
internal sealed class TaskBranch : nn.Module
{
    private readonly ParameterList weights;
    private readonly ParameterList biases;

    public TaskBranch(string name, IReadOnlyList<int> sizes, Device device)
        : base(name)
    {
        Sizes = sizes.ToArray();
        weights = new ParameterList();
        biases = new ParameterList();
        using (no_grad())
        {
            for (var i = 0; i + 1 < Sizes.Length; i++)
            {
                var bound = 1.0 / Math.Sqrt(Sizes[i]);
                weights.Add(new Parameter(empty(Sizes[i], Sizes[i + 1], device: device).uniform_(-bound, bound)));
                biases.Add(new Parameter(empty(Sizes[i + 1], device: device).uniform_(-bound, bound)));
            }
        }

        RegisterComponents();
    }

    /// <summary>Layer widths from the branch input to the head output.</summary>
    public int[] Sizes { get; }

    public int LayerCount => Sizes.Length - 1;

    public int OutputSize => Sizes[^1];

    public Parameter Weight(int layer) => weights[layer];

    public Parameter Bias(int layer) => biases[layer];
}
