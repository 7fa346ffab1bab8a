using MultitaskLearning.Graphs;
using MultitaskLearning.Tasks;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MultitaskLearning.Models;

/// <summary>
/// The experts and gates of the MMoE and CGC families: shared experts (trunk-shaped networks), optional experts of
/// each task's own, and one gate per task, g_t(x) = softmax(W_t x + b_t) over the experts the task may use; the task's
/// representation is Σ_e g_t,e(x) · expert_e(x).
/// </summary>
internal sealed class ExpertMixture : nn.Module
{
    private readonly ModuleList<DenseStack> sharedExperts;
    private readonly ModuleDict<DenseStack> taskExperts;
    private readonly ModuleDict<Linear> gates;
    private readonly int perTask;

    public ExpertMixture(IReadOnlyList<TaskDefinition> tasks, int inputSize, IReadOnlyList<int> layers, int shared, int perTask, Activation activation, LayerDropout dropout)
        : base("mixture")
    {
        this.perTask = perTask;
        sharedExperts = new ModuleList<DenseStack>();
        for (var e = 0; e < shared; e++)
        {
            sharedExperts.Add(new DenseStack("expert", inputSize, layers, activation, dropout));
        }

        taskExperts = new ModuleDict<DenseStack>();
        gates = new ModuleDict<Linear>();
        foreach (var task in tasks)
        {
            for (var e = 0; e < perTask; e++)
            {
                taskExperts.Add(TaskExpertKey(task.Name, e), new DenseStack("expert", inputSize, layers, activation, dropout));
            }

            gates.Add(task.Name, nn.Linear(inputSize, shared + perTask));
        }

        OutputSize = layers[^1];
        RegisterComponents();
    }

    public int OutputSize { get; }

    /// <summary>The experts every task's gate mixes, in gate order.</summary>
    public IReadOnlyList<DenseStack> SharedExperts => [.. sharedExperts];

    /// <summary>Experts of each task's own (CGC; 0 for MMoE), mixed after the shared ones.</summary>
    public int ExpertsPerTask => perTask;

    /// <summary>Task <paramref name="task"/>'s own expert <paramref name="expert"/> (0 ≤ expert &lt; <see cref="ExpertsPerTask"/>).</summary>
    public DenseStack TaskExpert(string task, int expert) => taskExperts[TaskExpertKey(task, expert)];

    /// <summary>The gate of task <paramref name="task"/>: logits over its shared experts, then its own.</summary>
    public Linear GateOf(string task) => gates[task];

    /// <summary>All shared experts' outputs, [E, B, h].</summary>
    public Tensor SharedOutputs(Tensor encoded) => stack(sharedExperts.Select(e => e.Forward(encoded)), 0);

    /// <summary>Task <paramref name="task"/>'s gated mixture, [B, h].</summary>
    public Tensor Mix(string task, Tensor encoded, Tensor sharedOutputs)
    {
        var experts = perTask == 0
            ? sharedOutputs
            : cat([sharedOutputs, stack(Enumerable.Range(0, perTask).Select(e => taskExperts[TaskExpertKey(task, e)].Forward(encoded)), 0)], 0);
        var gate = nn.functional.softmax(gates[task].forward(encoded), 1);
        return einsum("be,ebh->bh", gate, experts);
    }

    /// <summary>The ONNX form of <see cref="SharedOutputs"/>: [E, B, h].</summary>
    public string SharedOutputsToOnnx(OnnxGraphBuilder graph, string encoded) => Stack(graph, sharedExperts.Select(e => e.ToOnnx(graph, encoded)));

    /// <summary>The ONNX form of <see cref="Mix"/>: [B, h].</summary>
    public string MixToOnnx(OnnxGraphBuilder graph, string task, string encoded, string sharedOutputs)
    {
        var experts = perTask == 0
            ? sharedOutputs
            : graph.Node("Concat", [sharedOutputs, Stack(graph, Enumerable.Range(0, perTask).Select(e => taskExperts[TaskExpertKey(task, e)].ToOnnx(graph, encoded)))], OnnxGraphBuilder.Int("axis", 0));
        var gate = gates[task];
        var logits = graph.Node("Gemm", [encoded, graph.Weight("gate_weight", gate.weight!), graph.Weight("gate_bias", gate.bias!)], OnnxGraphBuilder.Int("transB", 1));
        var weights = graph.Node("Softmax", [logits], OnnxGraphBuilder.Int("axis", 1));
        return graph.Node("Einsum", [weights, experts], OnnxGraphBuilder.Text("equation", "be,ebh->bh"));
    }

    /// <summary>The gate weights of a task for a batch, [B, E], for inspection.</summary>
    public Tensor Gate(string task, Tensor encoded) => nn.functional.softmax(gates[task].forward(encoded), 1);

    public IEnumerable<Parameter> SharedParameters() => sharedExperts.parameters();

    public IEnumerable<Parameter> TaskParameters(string task) =>
        gates[task].parameters().Concat(Enumerable.Range(0, perTask).SelectMany(e => taskExperts[TaskExpertKey(task, e)].parameters()));

    /// <summary>Stacks [B, h] values into [n, B, h], as <c>torch.stack(…, 0)</c>.</summary>
    internal static string Stack(OnnxGraphBuilder graph, IEnumerable<string> values)
    {
        var axis = graph.Vector("axis0", 0);
        return graph.Node("Concat", values.Select(v => graph.Node("Unsqueeze", [v, axis])).ToArray(), OnnxGraphBuilder.Int("axis", 0));
    }

    private static string TaskExpertKey(string task, int expert) => $"{task}__{expert}";
}
