using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace MultitaskLearning.Benchmarks;

/// <summary>
/// The peer's workload written directly against TorchSharp, line for line like <c>peers/pytorch_mtl_bench.py</c>
/// (nn.Sequential trunk, two Linear heads, cross-entropy, SGD with momentum, one dispose scope per step): the baseline
/// that shows what the library adds or saves over a hand-written loop.
/// </summary>
internal static class BareTorchSharpLoop
{
    public static RunResult Train(MnistWorkload data, WorkloadSize size, string grad, int threads, int epochs = 3, int seed = 0)
    {
        set_num_threads(threads);
        using var x = tensor(data.Pixels, [data.Count, MnistWorkload.Width]);
        using var yDigit = tensor(data.Digits.Select(d => (long)d).ToArray());
        using var yParity = yDigit.remainder(2);
        manual_seed(seed);
        using var trunk = nn.Sequential(nn.Linear(784, size.Hidden1), nn.ReLU(), nn.Linear(size.Hidden1, size.Hidden2), nn.ReLU());
        using var headDigit = nn.Linear(size.Hidden2, 10);
        using var headParity = nn.Linear(size.Hidden2, 2);
        var shared = trunk.parameters().ToArray();
        var digitParameters = headDigit.parameters().ToArray();
        var parityParameters = headParity.parameters().ToArray();
        using var optimizer = optim.SGD(shared.Concat(digitParameters).Concat(parityParameters), 0.05, 0.9);
        var batch = size.BatchSize;
        var stepsPerEpoch = data.Count / batch;
        var epochEnds = new List<double>();
        var clock = Stopwatch.StartNew();
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            for (var b = 0; b < stepsPerEpoch; b++)
            {
                using var scope = NewDisposeScope();
                var xb = x.narrow(0, b * batch, batch);
                var h = trunk.forward(xb);
                var lossDigit = nn.functional.cross_entropy(headDigit.forward(h), yDigit.narrow(0, b * batch, batch));
                var lossParity = nn.functional.cross_entropy(headParity.forward(h), yParity.narrow(0, b * batch, batch));
                optimizer.zero_grad();
                if (grad == "plain")
                {
                    (lossDigit + (0.5 * lossParity)).backward();
                }
                else
                {
                    PCGradBackward(shared, digitParameters, parityParameters, lossDigit, 0.5 * lossParity);
                }

                optimizer.step();
            }

            epochEnds.Add(clock.Elapsed.TotalSeconds);
        }

        var trainSeconds = clock.Elapsed.TotalSeconds;
        double accDigit, accParity;
        using (no_grad())
        using (NewDisposeScope())
        {
            var h = trunk.forward(x);
            accDigit = headDigit.forward(h).argmax(1).eq(yDigit).to(ScalarType.Float32).mean().item<float>();
            accParity = headParity.forward(h).argmax(1).eq(yParity).to(ScalarType.Float32).mean().item<float>();
        }

        var steps = stepsPerEpoch * epochs;
        return new RunResult("torchsharp", size.Name, grad, threads, steps, trainSeconds, steps / trainSeconds,
            epochs >= 2 ? stepsPerEpoch * (epochs - 1) / (epochEnds[^1] - epochEnds[0]) : double.NaN, accDigit, accParity);
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
