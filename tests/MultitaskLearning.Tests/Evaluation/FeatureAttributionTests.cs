using MultitaskLearning.Data;
using MultitaskLearning.Evaluation;
using MultitaskLearning.Models;
using MultitaskLearning.Tasks;
using MultitaskLearning.TestUtilities;
using MultitaskLearning.Training;
using Xunit;

namespace MultitaskLearning.Tests.Evaluation;

public sealed class FeatureAttributionTests
{
    [Fact]
    public void IntegratedGradients_FindEachTasksFeatureAndSatisfyCompleteness()
    {
        // Task "a" reads feature 0 only, task "b" feature 1 only; features 2 and 3 are noise.
        var random = new Random(5);
        var x = new float[400, 4];
        var a = new double[400];
        var b = new int?[400];
        for (var i = 0; i < 400; i++)
        {
            for (var j = 0; j < 4; j++)
            {
                x[i, j] = (float)((random.NextDouble() * 2) - 1);
            }

            a[i] = 2 * x[i, 0];
            b[i] = x[i, 1] > 0 ? 1 : 0;
        }

        var data = new MultitaskDatasetBuilder([TaskDefinition.Regression("a"), TaskDefinition.Binary("b")])
            .AddSamples("x", x, new Dictionary<string, LabelColumn> { ["a"] = LabelColumn.FromValues(a), ["b"] = LabelColumn.FromClassIndices(b) })
            .Build();
        var definition = MultitaskModelBuilder.FromDataset(data).UseFamily(ModelFamily.SharedTrunk, new ArchitectureOptions { TrunkLayers = [16], Activation = Activation.Tanh }).Build();
        using var model = new MultitaskTrainer(new TrainerOptions { Epochs = 40, Optimizer = OptimizerKind.Adam, LearningRate = 0.01, Seed = 2 }.Deterministic()).Fit(definition, data);

        var before = LiveTensors.Count;
        var importance = FeatureAttribution.IntegratedGradients(model, data, "x", steps: 32, maxSamples: 100);
        Assert.Equal(before, LiveTensors.Count);
        Assert.True(importance["a"][0] > 5 * importance["a"].Skip(1).Max(), string.Join(", ", importance["a"]));
        Assert.True(importance["b"][1] > 5 * new[] { importance["b"][0], importance["b"][2], importance["b"][3] }.Max(), string.Join(", ", importance["b"]));

        // Completeness: each sample's attributions sum to F(x) − F(baseline), up to the 64-step quadrature error.
        var values = data.Inputs["x"].Values.Span[..(20 * 4)].ToArray();
        model.FeatureStatistics["x"].ApplyInPlace(values);
        var (attributions, differences) = FeatureAttribution.Attribute(model.Network, "x", values, [4], 64);
        for (var i = 0; i < 20; i++)
        {
            var sum = Enumerable.Range(0, 4).Sum(j => (double)attributions["a"][(i * 4) + j]);
            Assert.True(Math.Abs(sum - differences["a"][i]) <= 0.01 + (0.01 * Math.Abs(differences["a"][i])), $"sample {i}: Σ IG {sum}, F(x) − F(x') {differences["a"][i]}");
        }
    }
}
