using MultitaskLearning.Tasks;
using MultitaskLearning.Training;

namespace MultitaskLearning.Reporting.Tests;

/// <summary>Hand-made training histories with known values.</summary>
internal static class Histories
{
    /// <summary>A history of <paramref name="epochs"/> epochs over <paramref name="tasks"/>: task t's training loss in
    /// epoch e is (t + 1) / e, its accuracy 0.5 and its MSE 0.25; the best epoch is the last.</summary>
    public static TrainingHistory Make(IReadOnlyList<string> tasks, int epochs = 4, bool validation = true)
    {
        var records = new List<TrainingProgress>();
        for (var e = 1; e <= epochs; e++)
        {
            var losses = tasks.Select((t, i) => (t, (i + 1) / (double)e)).ToDictionary(p => p.t, p => p.Item2);
            records.Add(new TrainingProgress
            {
                Epoch = e,
                Epochs = epochs,
                Steps = e * 10,
                TrainingLoss = losses.Values.Sum(),
                TaskTrainingLosses = losses,
                TaskWeights = tasks.ToDictionary(t => t, _ => 1.0),
                ValidationLoss = validation ? losses.Values.Sum() * 1.1 : null,
                ValidationMetrics = validation
                    ? tasks.ToDictionary(t => t, IReadOnlyDictionary<MetricKind, double> (_) => new Dictionary<MetricKind, double> { [MetricKind.Accuracy] = 0.5, [MetricKind.MeanSquaredError] = 0.25 })
                    : null,
                LearningRate = 0.01,
                Elapsed = TimeSpan.FromSeconds(e),
            });
        }

        return new TrainingHistory(records, epochs, StoppedEarly: false);
    }
}
