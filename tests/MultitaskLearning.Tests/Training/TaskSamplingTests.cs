using MultitaskLearning.Data;
using MultitaskLearning.Models;
using MultitaskLearning.Tasks;
using MultitaskLearning.TestUtilities;
using MultitaskLearning.Training;
using Xunit;

namespace MultitaskLearning.Tests.Training;

/// <summary>The task samplers draw tasks with the documented probabilities (checked over many draws, within 4 standard
/// errors) and train models with per-task sample sets of different sizes.</summary>
public sealed class TaskSamplingTests
{
    // Two tasks on two inputs: "big" has 300 samples, "small" 100.
    private static readonly MultitaskDataset Data = new MultitaskDatasetBuilder([TaskDefinition.Regression("big"), TaskDefinition.Binary("small")])
        .AddSamples("a", Features(300, 1), new Dictionary<string, LabelColumn> { ["big"] = LabelColumn.FromValues(Enumerable.Range(0, 300).Select(i => (double)(i % 7)).ToArray()) })
        .AddSamples("b", Features(100, 2), new Dictionary<string, LabelColumn> { ["small"] = LabelColumn.FromClassIndices(Enumerable.Range(0, 100).Select(i => (int?)(i % 2)).ToArray()) })
        .Build();

    [Theory]
    [InlineData(TaskSampling.Proportional, 0.75)]          // 300 / 400
    [InlineData(TaskSampling.Temperature, 0.6340)]         // √300 / (√300 + √100), τ = 2
    [InlineData(TaskSampling.RoundRobin, 0.5)]
    public void Scheduler_DrawsTasksWithTheDocumentedProbabilities(TaskSampling sampling, double expectedBig)
    {
        using var network = new MultitaskNetwork(MultitaskModelBuilder.FromDataset(Data).Build());
        using var prepared = PreparedData.Create(network, Data, new Dictionary<string, FeatureStatistics>(), new Dictionary<string, TargetStatistics>(), "Training");
        using var scheduler = new BatchScheduler(prepared, new TrainerOptions { TaskSampling = sampling, SamplingTemperature = 2, BatchSize = 10 }.Deterministic(), new Random(1));
        Assert.Equal(expectedBig, scheduler.Probabilities[scheduler.TaskNames.ToList().IndexOf("big")], 3);
        Assert.Equal(40, scheduler.StepsPerEpoch); // 400 samples / batch 10

        const int draws = 4000;
        var big = 0;
        for (var i = 0; i < draws; i++)
        {
            using var scope = TorchSharp.torch.NewDisposeScope();
            var batch = Assert.Single(scheduler.Next());
            big += batch.Input == 0 ? 1 : 0;
            Assert.Equal(10, batch.Rows.shape[0]);
        }

        var tolerance = 4 * Math.Sqrt(expectedBig * (1 - expectedBig) / draws);
        Assert.InRange(big / (double)draws, expectedBig - tolerance, expectedBig + tolerance);
    }

    [Fact]
    public void Fit_WithTemperatureSampling_ReportsProbabilitiesAndLearns()
    {
        var reports = new List<TrainingProgress>();
        var definition = MultitaskModelBuilder.FromDataset(Data, i => i with { EncoderLayers = [8] }).Build();
        using var model = new MultitaskTrainer(new TrainerOptions { Epochs = 30, TaskSampling = TaskSampling.Temperature, LearningRate = 0.05, Seed = 2 }.Deterministic())
            .Fit(definition, Data, progress: new Collector(reports));
        Assert.Equal(TaskSampling.Temperature, reports[^1].Sampling);
        Assert.Equal(0.634, reports[^1].SamplingProbabilities["big"], 3);
        Assert.True(model.Evaluate(Data)["small"][MetricKind.Accuracy] > 0.9);
    }

    private static float[,] Features(int count, int seed)
    {
        var random = new Random(seed);
        var x = new float[count, 3];
        for (var i = 0; i < count; i++)
        {
            x[i, 0] = i % 2;
            x[i, 1] = i % 7;
            x[i, 2] = (float)random.NextDouble();
        }

        return x;
    }

    private sealed class Collector(List<TrainingProgress> reports) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => reports.Add(value);
    }
}
