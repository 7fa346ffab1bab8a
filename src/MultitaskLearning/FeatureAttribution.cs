using MultitaskLearning.Data;
using MultitaskLearning.Models;
using MultitaskLearning.Tasks;
using static TorchSharp.torch;

namespace MultitaskLearning;

/// <summary>
/// Integrated gradients (Sundararajan, Taly and Yan, "Axiomatic Attribution for Deep Networks", ICML 2017) per task:
/// IG_j(x) = (x_j − x'_j) · ∫₀¹ ∂F_t(x' + α(x − x'))/∂x_j dα, approximated by the midpoint rule with m steps, where F_t
/// is task t's output (the predicted class's logit for classification, the first output for regression) and the
/// baseline x' is the all-zero preprocessed input (the training mean when the input is standardised). The mean |IG_j|
/// over samples shows which features each task relies on, and comparing tasks shows which features are shared.
/// </summary>
public static class FeatureAttribution
{
    /// <summary>Attributions of every task that reads an input, over the samples of a dataset.</summary>
    /// <param name="model">The trained model.</param>
    /// <param name="data">Samples of the input (labels are not used).</param>
    /// <param name="inputName">The input.</param>
    /// <param name="steps">Integration steps m (midpoint rule), at least 1.</param>
    /// <param name="maxSamples">At most this many samples (the first ones).</param>
    /// <returns>Per task name, the mean absolute attribution of every input value (sample-shape order).</returns>
    public static IReadOnlyDictionary<string, double[]> IntegratedGradients(MultitaskModel model, MultitaskDataset data, string inputName, int steps = 32, int maxSamples = 256)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        var table = data.Inputs.TryGetValue(inputName, out var found)
            ? found
            : throw new ArgumentException($"The data has no input '{inputName}'.", nameof(inputName));
        var count = Math.Min(maxSamples, table.Count);
        var values = table.Values.Span[..(count * table.SampleSize)].ToArray();
        if (model.FeatureStatistics.TryGetValue(inputName, out var stats))
        {
            stats.ApplyInPlace(values);
        }

        var (perSample, _) = Attribute(model.Network, inputName, values, [.. table.SampleShape], steps);
        return perSample.ToDictionary(kv => kv.Key, kv =>
        {
            var mean = new double[table.SampleSize];
            for (var i = 0; i < count; i++)
            {
                for (var j = 0; j < table.SampleSize; j++)
                {
                    mean[j] += Math.Abs(kv.Value[(i * table.SampleSize) + j]) / count;
                }
            }

            return mean;
        }, StringComparer.Ordinal);
    }

    /// <summary>Per-sample attributions on preprocessed values, and each task's output difference F(x) − F(x') per sample
    /// (the completeness axiom says the attributions of a sample sum to it).</summary>
    internal static (Dictionary<string, float[]> Attributions, Dictionary<string, float[]> Differences) Attribute(
        MultitaskNetwork network, string inputName, float[] values, int[] sampleShape, int steps)
    {
        var layout = network.LayoutOf(inputName);
        var size = sampleShape.Aggregate(1, (a, b) => a * b);
        var count = values.Length / size;
        var wasTraining = network.training;
        network.eval();
        try
        {
            using var scope = NewDisposeScope();
            long[] shape = [count, .. sampleShape.Select(d => (long)d)];
            var x = tensor(values, shape, device: network.Device);
            var baseline = zeros_like(x);
            Tensor outputs, baselineOutputs;
            using (no_grad())
            {
                outputs = network.Forward(inputName, x);
                baselineOutputs = network.Forward(inputName, baseline);
            }

            var attributions = new Dictionary<string, float[]>(StringComparer.Ordinal);
            var differences = new Dictionary<string, float[]>(StringComparer.Ordinal);
            for (var t = 0; t < layout.Tasks.Count; t++)
            {
                var task = layout.Tasks[t];
                var column = task.Kind == TaskKind.Multiclass
                    ? outputs.narrow(1, layout.Offsets[t], task.OutputSize).argmax(1).add(layout.Offsets[t])
                    : full(count, layout.Offsets[t], dtype: ScalarType.Int64, device: network.Device);
                var index = column.unsqueeze(1);
                var total = zeros_like(x);
                for (var k = 0; k < steps; k++)
                {
                    var alpha = (k + 0.5) / steps;
                    var point = (baseline + ((x - baseline) * alpha)).detach().requires_grad_(true);
                    var selected = network.Forward(inputName, point).gather(1, index).sum();
                    total = total + autograd.grad([selected], [point])[0];
                }

                attributions[task.Name] = ((x - baseline) * total / steps).reshape(count, -1).cpu().data<float>().ToArray();
                differences[task.Name] = (outputs.gather(1, index) - baselineOutputs.gather(1, index)).reshape(-1).cpu().data<float>().ToArray();
            }

            return (attributions, differences);
        }
        finally
        {
            network.train(wasTraining);
        }
    }
}
