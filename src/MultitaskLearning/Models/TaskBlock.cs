using MultitaskLearning.Graphs;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MultitaskLearning.Models;

/// <summary>
/// The own parameters (tower or whole network, and head) of a block of tasks with the same layer sizes, stored stacked:
/// layer l has one weight [T, in_l, out_l] and one bias [T, out_l], slice t belonging to task t alone. Stacking lets
/// all tasks of a block run in one batched matrix product and be updated by one optimiser operation per tensor,
/// however many tasks there are.
/// </summary>
internal sealed class TaskBlock : nn.Module
{
    private readonly ParameterList weights;
    private readonly ParameterList biases;

    public TaskBlock(string name, int taskCount, IReadOnlyList<int> sizes, Device device)
        : base(name)
    {
        TaskCount = taskCount;
        Sizes = sizes.ToArray();
        weights = new ParameterList();
        biases = new ParameterList();
        using (no_grad())
        {
            for (var i = 0; i + 1 < Sizes.Length; i++)
            {
                // PyTorch's default for linear layers: U(−1/√fan_in, 1/√fan_in), independently per task.
                var bound = 1.0 / Math.Sqrt(Sizes[i]);
                weights.Add(new Parameter(empty(taskCount, Sizes[i], Sizes[i + 1], device: device).uniform_(-bound, bound)));
                biases.Add(new Parameter(empty(taskCount, Sizes[i + 1], device: device).uniform_(-bound, bound)));
            }
        }

        RegisterComponents();
    }

    public int TaskCount { get; }

    /// <summary>Layer widths from the block input to the head output.</summary>
    public int[] Sizes { get; }

    public int LayerCount => Sizes.Length - 1;

    public int OutputSize => Sizes[^1];

    /// <summary>Layer l's stacked weight [T, in, out].</summary>
    public Parameter Weight(int layer) => weights[layer];

    /// <summary>Layer l's stacked bias [T, out].</summary>
    public Parameter Bias(int layer) => biases[layer];

    /// <summary>Applies every task's layers to the same input [B, in] (or to its own input, [T, B, in]) and returns
    /// [B, T·out], task-major columns.</summary>
    public Tensor Forward(Tensor x, Func<Tensor, int, Tensor> hidden)
    {
        var perTask = x.dim() == 3;
        var batch = perTask ? x.shape[1] : x.shape[0];
        if (LayerCount == 1 && !perTask)
        {
            // One product for all heads: [B, in] × [in, T·out].
            var w = weights[0].permute(1, 0, 2).reshape(Sizes[0], -1);
            return x.matmul(w).add(biases[0].reshape(-1));
        }

        var z = perTask ? x : x.unsqueeze(0);
        for (var l = 0; l < LayerCount; l++)
        {
            z = z.matmul(weights[l]).add(biases[l].unsqueeze(1));
            if (l + 1 < LayerCount)
            {
                z = hidden(z, l);
            }
        }

        return z.permute(1, 0, 2).reshape(batch, -1);
    }

    /// <summary>The ONNX form of <see cref="Forward"/>: a [B, in] value (or [T, B, in] when <paramref name="perTask"/>)
    /// to [B, T·out].</summary>
    public string ToOnnx(OnnxGraphBuilder graph, string x, bool perTask, Func<string, string> hidden)
    {
        if (LayerCount == 1 && !perTask)
        {
            using var w = weights[0].detach().permute(1, 0, 2).reshape(Sizes[0], -1);
            using var b = biases[0].detach().reshape(-1);
            return graph.Node("Gemm", [x, graph.Weight("heads_weight", w), graph.Weight("heads_bias", b)]);
        }

        var z = perTask ? x : graph.Node("Unsqueeze", [x, graph.Vector("axis0", 0)]);
        for (var l = 0; l < LayerCount; l++)
        {
            using var bias = biases[l].detach().unsqueeze(1);
            z = graph.Node("Add", [graph.Node("MatMul", [z, graph.Weight("task_weight", weights[l])]), graph.Weight("task_bias", bias)]);
            if (l + 1 < LayerCount)
            {
                z = hidden(z);
            }
        }

        var batchMajor = graph.Node("Transpose", [z], OnnxGraphBuilder.Ints("perm", 1, 0, 2));
        return graph.Node("Reshape", [batchMajor, graph.Vector("batch_by_rest", 0, -1)]);
    }
}
