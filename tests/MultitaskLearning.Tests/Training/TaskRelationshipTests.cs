using MultitaskLearning.Data;
using MultitaskLearning.Models;
using MultitaskLearning.Tasks;
using MultitaskLearning.TestUtilities;
using MultitaskLearning.Training;
using MultitaskLearning.Training.Aggregation;
using Xunit;

namespace MultitaskLearning.Tests.Training;

public sealed class TaskRelationshipTests
{
    [Fact]
    public void Record_MeansAndConflictFractionsMatchAnIndependentComputation()
    {
        // Three related regression tasks on one input, all labelled on every row.
        var random = new Random(1);
        var x = new float[200, 3];
        var up = new double[200];
        for (var i = 0; i < 200; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                x[i, j] = (float)((random.NextDouble() * 2) - 1);
            }

            up[i] = x[i, 0] + (0.5 * x[i, 1]);
        }

        TaskDefinition[] tasks = [TaskDefinition.Regression("up"), TaskDefinition.Regression("same"), TaskDefinition.Regression("down")];
        var data = new MultitaskDatasetBuilder(tasks)
            .AddSamples("x", x, new Dictionary<string, LabelColumn>
            {
                ["up"] = LabelColumn.FromValues(up),
                ["same"] = LabelColumn.FromValues(up),
                ["down"] = LabelColumn.FromValues(up.Select(v => -v).ToArray()),
            })
            .Build();
        var definition = MultitaskModelBuilder.FromDataset(data).UseFamily(ModelFamily.SharedTrunk, new ArchitectureOptions { TrunkLayers = [8] }).Build();
        var capture = new CapturingSum();
        var before = LiveTensors.Count;
        using (var model = new MultitaskTrainer(new TrainerOptions { Epochs = 3, RecordTaskRelationships = true, GradientAggregator = capture, Seed = 1 }.Deterministic()).Fit(definition, data))
        {
            // The recorded means equal cosines computed here, independently, from the same per-task gradient matrices.
            var relations = model.TrainingHistory!.TaskRelationships!;
            Assert.Equal(["up", "same", "down"], relations.TaskNames);
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(1, relations.MeanCosine[i, i], 9);
                for (var j = 0; j < 3; j++)
                {
                    Assert.Equal(capture.Steps, relations.Steps[i, j]);
                    Assert.Equal(capture.CosineSums[i, j] / capture.Steps, relations.MeanCosine[i, j], 6);
                    Assert.Equal((double)capture.Conflicts[i, j] / capture.Steps, relations.ConflictFraction[i, j], 9);
                }
            }

            Assert.Equal(model.TrainingHistory.Epochs[^1].Steps, capture.Steps);
        }

        Assert.Equal(before, LiveTensors.Count);
    }

    /// <summary>Sums the task gradients (plain training) and records their cosines with its own arithmetic.</summary>
    private sealed class CapturingSum : GradientAggregator
    {
        public double[,] CosineSums { get; } = new double[3, 3];

        public long[,] Conflicts { get; } = new long[3, 3];

        public long Steps { get; private set; }

        public override string Name => "capturing-sum";

        public override AggregationResult Aggregate(TorchSharp.torch.Tensor taskGradients, AggregationContext context)
        {
            var k = (int)taskGradients.shape[0];
            var d = (int)taskGradients.shape[1];
            var values = taskGradients.detach().cpu().data<float>().ToArray();
            double Dot(int a, int b) => Enumerable.Range(0, d).Sum(m => (double)values[(a * d) + m] * values[(b * d) + m]);
            for (var a = 0; a < k; a++)
            {
                for (var b = 0; b < k; b++)
                {
                    var cosine = Dot(a, b) / Math.Sqrt(Dot(a, a) * Dot(b, b));
                    CosineSums[a, b] += cosine;
                    Conflicts[a, b] += cosine < 0 ? 1 : 0;
                }
            }

            Steps++;
            return new AggregationResult(taskGradients.detach().sum(0L), null);
        }
    }

    [Fact]
    public void LookaheadAffinity_OwnStepsHelp_AndRecordingDoesNotChangeTraining()
    {
        var data = SyntheticData.RelatedTasks(count: 200, seed: 3, missingFraction: 0);
        var definition = MultitaskModelBuilder.FromDataset(data).UseFamily(ModelFamily.SharedTrunk, new ArchitectureOptions { TrunkLayers = [8] }).Build();
        var before = LiveTensors.Count;
        // Both runs take the per-task backward path (gradients summed in the same order); only one looks ahead.
        using (var plain = new MultitaskTrainer(new TrainerOptions { Epochs = 2, Seed = 4, RecordTaskRelationships = true }.Deterministic()).Fit(definition, data))
        using (var recorded = new MultitaskTrainer(new TrainerOptions { Epochs = 2, Seed = 4, RecordTaskAffinity = true }.Deterministic()).Fit(definition, data))
        {
            var affinity = recorded.TrainingHistory!.TaskRelationships!.LookaheadAffinity!;
            Assert.True(affinity[0, 0] > 0, $"score→score {affinity[0, 0]}");
            Assert.True(affinity[1, 1] > 0, $"pass→pass {affinity[1, 1]}");
            Assert.True(double.IsFinite(affinity[0, 1]) && double.IsFinite(affinity[1, 0]));
            Assert.Null(plain.TrainingHistory!.TaskRelationships!.LookaheadAffinity);

            // The lookahead steps are undone exactly (restored copies), so recording leaves training unchanged, up to the
            // float rounding that different memory alignment can cause in libtorch's kernels.
            Approx.Equal(
                plain.Predict(data)["score"].Scores.Select(v => (double)v).ToArray(),
                recorded.Predict(data)["score"].Scores.Select(v => (double)v).ToArray(),
                1e-4);
        }

        Assert.Equal(before, LiveTensors.Count);
    }
}
