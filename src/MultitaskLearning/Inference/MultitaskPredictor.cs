using MultitaskLearning.Data;
using MultitaskLearning.Models;
using MultitaskLearning.Tasks;
using static TorchSharp.torch;

namespace MultitaskLearning.Inference;

/// <summary>
/// Serves a trained model: takes raw samples (the same units as the training data), applies the saved preprocessing,
/// runs the network without gradients in eval mode and returns per-task predictions with label names and probabilities.
/// It works on a private copy of the network, so it is safe to call from several threads at once.
/// </summary>
/// <remarks>Create it with <c>MultitaskModel.CreatePredictor</c>; the caller disposes it.</remarks>
public sealed class MultitaskPredictor : IDisposable
{
    private readonly MultitaskNetwork network;
    private readonly IReadOnlyDictionary<string, FeatureStatistics> featureStatistics;
    private readonly IReadOnlyDictionary<string, TargetStatistics> targetStatistics;
    private int disposed;

    /// <summary>Creates a predictor that owns <paramref name="network"/> (a private copy) and disposes it.</summary>
    internal MultitaskPredictor(
        MultitaskNetwork network,
        IReadOnlyDictionary<string, FeatureStatistics> featureStatistics,
        IReadOnlyDictionary<string, TargetStatistics> targetStatistics)
    {
        this.network = network;
        this.featureStatistics = featureStatistics;
        this.targetStatistics = targetStatistics;
        network.eval();
    }

    /// <summary>The model's definition.</summary>
    public MultitaskModelDefinition Definition => network.Definition;

    /// <summary>Predicts every task of a single-input model for one sample.</summary>
    /// <param name="sample">The sample's values (row-major, the input's sample size).</param>
    /// <returns>Predictions by task name.</returns>
    public IReadOnlyDictionary<string, TaskPrediction> Predict(float[] sample) => Predict(SingleInputName(), sample);

    /// <summary>Predicts every task that reads an input, for one sample.</summary>
    /// <param name="inputName">The input.</param>
    /// <param name="sample">The sample's values.</param>
    /// <returns>Predictions by task name.</returns>
    public IReadOnlyDictionary<string, TaskPrediction> Predict(string inputName, float[] sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        return PredictBatch(inputName, [sample])[0];
    }

    /// <summary>Predicts every task of a single-input model for a batch of samples in one forward pass.</summary>
    /// <param name="samples">The samples.</param>
    /// <returns>One dictionary of predictions per sample.</returns>
    public IReadOnlyList<IReadOnlyDictionary<string, TaskPrediction>> PredictBatch(IReadOnlyList<float[]> samples) =>
        PredictBatch(SingleInputName(), samples);

    /// <summary>Predicts every task that reads an input for a batch of samples in one forward pass.</summary>
    /// <param name="inputName">The input.</param>
    /// <param name="samples">The samples, each of the input's sample size.</param>
    /// <returns>One dictionary of predictions per sample, in order.</returns>
    /// <exception cref="ArgumentException">The input is unknown, or a sample has the wrong size or a missing value the input does not impute.</exception>
    public IReadOnlyList<IReadOnlyDictionary<string, TaskPrediction>> PredictBatch(string inputName, IReadOnlyList<float[]> samples)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        ArgumentNullException.ThrowIfNull(inputName);
        ArgumentNullException.ThrowIfNull(samples);
        var input = network.Definition.Inputs.FirstOrDefault(i => i.Name == inputName)
            ?? throw new ArgumentException($"The model has no input '{inputName}'. Inputs: {string.Join(", ", network.Definition.Inputs.Select(i => i.Name))}.", nameof(inputName));
        var layout = network.LayoutOf(inputName);
        if (samples.Count == 0)
        {
            return [];
        }

        var size = input.SampleSize;
        var values = new float[samples.Count * size];
        for (var s = 0; s < samples.Count; s++)
        {
            var sample = samples[s] ?? throw new ArgumentException($"Sample {s} is null.", nameof(samples));
            if (sample.Length != size)
            {
                throw new ArgumentException(
                    $"Input '{inputName}': sample {s} has {sample.Length} values; the model expects {size} (shape [{string.Join(", ", input.SampleShape)}]).", nameof(samples));
            }

            for (var j = 0; j < size; j++)
            {
                if (float.IsInfinity(sample[j]) || (float.IsNaN(sample[j]) && input.MissingValues == MissingValuePolicy.Error))
                {
                    throw new ArgumentException($"Input '{inputName}': sample {s}, value {j} is {sample[j]}.", nameof(samples));
                }
            }

            sample.CopyTo(values, s * size);
        }

        if (featureStatistics.TryGetValue(inputName, out var stats))
        {
            stats.ApplyInPlace(values);
        }

        float[] outputs;
        using (var scope = NewDisposeScope())
        using (var noGrad = no_grad())
        {
            long[] shape = [samples.Count, .. input.SampleShape.Select(d => (long)d)];
            var x = tensor(values, shape, device: network.Device);
            outputs = network.Forward(inputName, x).contiguous().cpu().data<float>().ToArray();
        }

        var results = new IReadOnlyDictionary<string, TaskPrediction>[samples.Count];
        for (var s = 0; s < samples.Count; s++)
        {
            var perTask = new Dictionary<string, TaskPrediction>(StringComparer.Ordinal);
            for (var t = 0; t < layout.Tasks.Count; t++)
            {
                var task = layout.Tasks[t];
                var scores = new float[task.OutputSize];
                targetStatistics.TryGetValue(task.Name, out var scaling);
                PreparedData.ToScores(task, outputs.AsSpan((s * layout.TotalWidth) + layout.Offsets[t], task.OutputSize), scores, scaling);
                perTask[task.Name] = Describe(task, scores);
            }

            results[s] = new TaskPredictions(perTask, inputName);
        }

        return results;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            network.Dispose();
        }
    }

    private static TaskPrediction Describe(TaskDefinition task, float[] scores)
    {
        switch (task.Kind)
        {
            case TaskKind.Regression:
                return new TaskPrediction { TaskName = task.Name, Kind = task.Kind, Values = scores.Select(v => (double)v).ToArray() };
            case TaskKind.MultiLabel:
                return new TaskPrediction
                {
                    TaskName = task.Name,
                    Kind = task.Kind,
                    Probabilities = Enumerable.Range(0, task.OutputSize).ToDictionary(task.LabelOf, c => (double)scores[c], StringComparer.Ordinal),
                    Labels = Enumerable.Range(0, task.OutputSize).Where(c => scores[c] >= 0.5f).Select(task.LabelOf).ToArray(),
                };
            case TaskKind.Binary:
                var positive = scores[0] >= 0.5f ? 1 : 0;
                return new TaskPrediction
                {
                    TaskName = task.Name,
                    Kind = task.Kind,
                    ClassIndex = positive,
                    Label = task.LabelOf(positive),
                    Probabilities = new Dictionary<string, double>(StringComparer.Ordinal) { [task.LabelOf(0)] = 1 - scores[0], [task.LabelOf(1)] = scores[0] },
                };
            case TaskKind.Multiclass:
                var best = Array.IndexOf(scores, scores.Max());
                return new TaskPrediction
                {
                    TaskName = task.Name,
                    Kind = task.Kind,
                    ClassIndex = best,
                    Label = task.LabelOf(best),
                    Probabilities = Enumerable.Range(0, task.OutputSize).ToDictionary(task.LabelOf, c => (double)scores[c], StringComparer.Ordinal),
                };
            default:
                throw new InvalidOperationException($"Task '{task.Name}' has an unknown kind {task.Kind}.");
        }
    }

    private string SingleInputName() => network.Definition.Inputs.Count == 1
        ? network.Definition.Inputs[0].Name
        : throw new InvalidOperationException($"The model has {network.Definition.Inputs.Count} inputs; name the input ({string.Join(", ", network.Definition.Inputs.Select(i => i.Name))}).");
}
