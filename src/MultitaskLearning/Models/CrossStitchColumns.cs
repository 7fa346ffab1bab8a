using MultitaskLearning.Graphs;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MultitaskLearning.Models;

/// <summary>
/// Cross-stitch networks of Misra et al., "Cross-stitch Networks for Multi-task Learning" (CVPR 2016): one column of
/// trunk layers per task, and after every layer a learned T × T cross-stitch unit that mixes the columns,
/// h̃_t = Σ_s α_ts h_s, initialised to α_tt = 0.9 and α_ts = 0.1/(T − 1). Columns are stored stacked ([T, in, out]).
/// </summary>
internal sealed class CrossStitchColumns : nn.Module
{
    private readonly ParameterList weights;
    private readonly ParameterList biases;
    private readonly ParameterList stitches;

    public CrossStitchColumns(int tasks, int inputSize, IReadOnlyList<int> layers, Device device)
        : base("cross-stitch")
    {
        weights = new ParameterList();
        biases = new ParameterList();
        stitches = new ParameterList();
        var previous = inputSize;
        using (no_grad())
        {
            foreach (var size in layers)
            {
                var bound = 1.0 / Math.Sqrt(previous);
                weights.Add(new Parameter(empty(tasks, previous, size, device: device).uniform_(-bound, bound)));
                biases.Add(new Parameter(empty(tasks, 1, size, device: device).uniform_(-bound, bound)));
                var off = tasks == 1 ? 0 : 0.1 / (tasks - 1);
                var diagonal = tasks == 1 ? 1.0 : 0.9;
                var values = new float[tasks * tasks];
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = (float)(i / tasks == i % tasks ? diagonal : off);
                }

                stitches.Add(new Parameter(tensor(values, [tasks, tasks], device: device)));
                previous = size;
            }
        }

        OutputSize = previous;
        RegisterComponents();
    }

    public int OutputSize { get; }

    /// <summary>Layers per column.</summary>
    public int LayerCount => weights.Count;

    /// <summary>Layer l's weights of every column, [T, in, out].</summary>
    public Parameter Weight(int layer) => weights[layer];

    /// <summary>Layer l's biases of every column, [T, 1, out].</summary>
    public Parameter Bias(int layer) => biases[layer];

    /// <summary>The cross-stitch unit after layer l, [T, T]: column t's next input is Σ_s α_ts · column s's output.</summary>
    public Parameter Stitch(int layer) => stitches[layer];

    /// <summary>The dropout key of each layer's hidden layers (set by the network that builds the columns).</summary>
    public IReadOnlyList<int> DropoutKeys { get; set; } = [];

    /// <summary>Every task's column output, [T, B, h].</summary>
    public Tensor Forward(Tensor encoded, Func<Tensor, int, Tensor> hidden)
    {
        var z = encoded.unsqueeze(0);
        for (var l = 0; l < weights.Count; l++)
        {
            z = hidden(z.matmul(weights[l]).add(biases[l]), l);
            z = einsum("ts,sbh->tbh", stitches[l], z);
        }

        return z;
    }

    /// <summary>The ONNX form of <see cref="Forward"/>: [T, B, h].</summary>
    public string ToOnnx(OnnxGraphBuilder graph, string encoded, Func<string, string> hidden)
    {
        var z = graph.Node("Unsqueeze", [encoded, graph.Vector("axis0", 0)]);
        for (var l = 0; l < weights.Count; l++)
        {
            z = graph.Node("Add", [graph.Node("MatMul", [z, graph.Weight("column_weight", weights[l])]), graph.Weight("column_bias", biases[l])]);
            z = hidden(z);
            z = graph.Node("Einsum", [graph.Weight("stitch", stitches[l]), z], OnnxGraphBuilder.Text("equation", "ts,sbh->tbh"));
        }

        return z;
    }
}
