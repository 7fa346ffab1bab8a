using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace MultitaskLearning.Benchmarks;

/// <summary>
/// The peer's workload written directly against TorchSharp, line for line like <c>peers/pytorch_mtl_bench.py</c>
/// (the same modules for each model — dense trunk, CNN, CNN with towers, MMoE — cross-entropy, SGD with momentum or
/// Adam, one dispose scope per step): the baseline
/// that shows what the library adds or saves over a hand-written loop.
/// </summary>
internal static class BareTorchSharpLoop
{
    public static RunResult Train(MnistWorkload data, WorkloadSize size, string grad, int threads, int epochs = 3, int seed = 0, string model = "mlp", string optimizer = "sgd")
    {
        if (model != "mlp" && grad != "plain")
        {
            throw new ArgumentException("--grad pcgrad is only defined for the mlp model.");
        }

        set_num_threads(threads);
        using var x = TrainWorkload.IsConvolutional(model) ? tensor(data.Pixels, [data.Count, 1, 28, 28]) : tensor(data.Pixels, [data.Count, MnistWorkload.Width]);
        using var yDigit = tensor(data.Digits.Select(d => (long)d).ToArray());
        using var yParity = yDigit.remainder(2);
        manual_seed(seed);
        using var network = Network.Create(model, size);
        using var optimizerInstance = optimizer switch
        {
            "sgd" => (optim.Optimizer)optim.SGD(network.All, 0.05, 0.9),
            "adam" => optim.Adam(network.All, 1e-3),
            _ => throw new ArgumentException($"Unknown optimiser '{optimizer}'."),
        };
        var batch = TrainWorkload.BatchSizeFor(model, size);
        var stepsPerEpoch = data.Count / batch;
        var epochEnds = new List<double>();
        var clock = Stopwatch.StartNew();
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            for (var b = 0; b < stepsPerEpoch; b++)
            {
                using var scope = NewDisposeScope();
                var (outDigit, outParity) = network.Forward(x.narrow(0, b * batch, batch));
                var lossDigit = nn.functional.cross_entropy(outDigit, yDigit.narrow(0, b * batch, batch));
                var lossParity = nn.functional.cross_entropy(outParity, yParity.narrow(0, b * batch, batch));
                optimizerInstance.zero_grad();
                if (grad == "plain")
                {
                    (lossDigit + (0.5 * lossParity)).backward();
                }
                else
                {
                    PCGradBackward(network.Shared, network.Digit, network.Parity, lossDigit, 0.5 * lossParity);
                }

                optimizerInstance.step();
            }

            epochEnds.Add(clock.Elapsed.TotalSeconds);
        }

        var trainSeconds = clock.Elapsed.TotalSeconds;
        double accDigit, accParity;
        using (no_grad())
        using (NewDisposeScope())
        {
            var (outDigit, outParity) = network.Forward(x);
            accDigit = outDigit.argmax(1).eq(yDigit).to(ScalarType.Float32).mean().item<float>();
            accParity = outParity.argmax(1).eq(yParity).to(ScalarType.Float32).mean().item<float>();
        }

        var steps = stepsPerEpoch * epochs;
        return new RunResult("torchsharp", size.Name, grad, threads, steps, trainSeconds, steps / trainSeconds,
            epochs >= 2 ? stepsPerEpoch * (epochs - 1) / (epochEnds[^1] - epochEnds[0]) : double.NaN, accDigit, accParity);
    }

    /// <summary>The peer's models written with TorchSharp modules (created in the peer's order).</summary>
    private sealed class Network : IDisposable
    {
        private readonly List<nn.Module> modules = [];

        private Network(Func<Tensor, (Tensor, Tensor)> forward) => Forward = forward;

        public Func<Tensor, (Tensor Digit, Tensor Parity)> Forward { get; }

        public TorchSharp.Modules.Parameter[] Shared { get; private set; } = [];

        public TorchSharp.Modules.Parameter[] Digit { get; private set; } = [];

        public TorchSharp.Modules.Parameter[] Parity { get; private set; } = [];

        public IEnumerable<TorchSharp.Modules.Parameter> All => modules.SelectMany(m => m.parameters());

        public static Network Create(string model, WorkloadSize size)
        {
            switch (model)
            {
                case "mlp":
                {
                    var trunk = nn.Sequential(nn.Linear(784, size.Hidden1), nn.ReLU(), nn.Linear(size.Hidden1, size.Hidden2), nn.ReLU());
                    var headDigit = nn.Linear(size.Hidden2, 10);
                    var headParity = nn.Linear(size.Hidden2, 2);
                    var network = new Network(x =>
                    {
                        var h = trunk.forward(x);
                        return (headDigit.forward(h), headParity.forward(h));
                    });
                    network.modules.AddRange([trunk, headDigit, headParity]);
                    network.Shared = trunk.parameters().ToArray();
                    network.Digit = headDigit.parameters().ToArray();
                    network.Parity = headParity.parameters().ToArray();
                    return network;
                }

                case "cnn" or "cnn-hybrid":
                {
                    var trunk = nn.Sequential(
                        nn.Conv2d(1, 16, 3, padding: 1), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Conv2d(16, 32, 3, padding: 1), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Flatten(), nn.Linear(32 * 7 * 7, 128), nn.ReLU());
                    var towers = model == "cnn-hybrid";
                    var width = towers ? 64 : 128;
                    nn.Module<Tensor, Tensor> towerDigit = towers ? nn.Sequential(nn.Linear(128, 64), nn.ReLU()) : nn.Identity();
                    nn.Module<Tensor, Tensor> towerParity = towers ? nn.Sequential(nn.Linear(128, 64), nn.ReLU()) : nn.Identity();
                    var headDigit = nn.Linear(width, 10);
                    var headParity = nn.Linear(width, 2);
                    var network = new Network(x =>
                    {
                        var h = trunk.forward(x);
                        return (headDigit.forward(towerDigit.forward(h)), headParity.forward(towerParity.forward(h)));
                    });
                    network.modules.AddRange([trunk, towerDigit, towerParity, headDigit, headParity]);
                    return network;
                }

                case "mmoe":
                {
                    var experts = Enumerable.Range(0, 4).Select(_ => nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU())).ToArray();
                    var gates = Enumerable.Range(0, 2).Select(_ => nn.Linear(784, 4)).ToArray();
                    var towers = Enumerable.Range(0, 2).Select(_ => nn.Sequential(nn.Linear(128, 64), nn.ReLU())).ToArray();
                    var heads = new[] { nn.Linear(64, 10), nn.Linear(64, 2) };
                    var network = new Network(x =>
                    {
                        var stacked = stack(experts.Select(e => e.forward(x)), 0);
                        var outputs = Enumerable.Range(0, 2)
                            .Select(t => heads[t].forward(towers[t].forward(einsum("be,ebh->bh", nn.functional.softmax(gates[t].forward(x), 1), stacked))))
                            .ToArray();
                        return (outputs[0], outputs[1]);
                    });
                    network.modules.AddRange(experts);
                    network.modules.AddRange(gates);
                    network.modules.AddRange(towers);
                    network.modules.AddRange(heads);
                    return network;
                }

                default:
                    throw new ArgumentException($"Unknown model '{model}'; use mlp, cnn, cnn-hybrid or mmoe.");
            }
        }

        public void Dispose()
        {
            foreach (var module in modules)
            {
                module.Dispose();
            }
        }
    }

    /// <summary>The peer's two-task PCGrad: per-task gradients by autograd.grad, projections on the original vectors.</summary>
    private static void PCGradBackward(TorchSharp.Modules.Parameter[] shared, TorchSharp.Modules.Parameter[] digit, TorchSharp.Modules.Parameter[] parity, Tensor l1, Tensor l2)
    {
        var g1 = autograd.grad([l1], shared.Concat(digit).ToArray(), retain_graph: true);
        var g2 = autograd.grad([l2], shared.Concat(parity).ToArray());
        var n = shared.Length;
        var v1 = cat(g1.Take(n).Select(g => g.reshape(-1)).ToArray(), 0);
        var v2 = cat(g2.Take(n).Select(g => g.reshape(-1)).ToArray(), 0);
        var dot = v1.dot(v2);
        var c = dot.clamp_max(0);
        var combined = v1 + v2 - ((c / v2.dot(v2)) * v2) - ((c / v1.dot(v1)) * v1);
        long offset = 0;
        using var noGrad = no_grad();
        foreach (var p in shared)
        {
            p.grad = combined.narrow(0, offset, p.numel()).view_as(p).clone();
            offset += p.numel();
        }

        for (var i = 0; i < digit.Length; i++)
        {
            digit[i].grad = g1[n + i];
        }

        for (var i = 0; i < parity.Length; i++)
        {
            parity[i].grad = g2[n + i];
        }
    }
}
