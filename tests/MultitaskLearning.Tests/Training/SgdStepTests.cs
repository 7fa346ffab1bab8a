using MultitaskLearning.Data;
using MultitaskLearning.Models;
using MultitaskLearning.Tasks;
using MultitaskLearning.TestUtilities;
using MultitaskLearning.Training;
using Xunit;
using static TorchSharp.torch;

namespace MultitaskLearning.Tests.Training;

/// <summary>One full-batch SGD step of the trainer equals the update computed by hand from
/// L = Σ_t α_t (1/m_t) Σ_{j labelled} (x_j·w_t + b_t − y_jt)².</summary>
public sealed class SgdStepTests
{
    [Fact]
    public void Fit_OneFullBatchStep_EqualsManualUpdate()
    {
        float[,] x = { { 1, 2 }, { -1, 0.5f }, { 0.5f, -1 }, { 2, 1 } };
        double?[] a = [1, 2, null, -1];
        double?[] b = [0.5, null, 1, 2];
        TaskDefinition[] tasks = [TaskDefinition.Regression("a"), TaskDefinition.Regression("b") with { Weight = 0.5 }];
        var data = new MultitaskDatasetBuilder(tasks)
            .AddSamples("x", x, new Dictionary<string, LabelColumn> { ["a"] = LabelColumn.FromValues(a), ["b"] = LabelColumn.FromValues(b) })
            .Build();
        var definition = MultitaskModelBuilder.FromDataset(data, i => i with { Standardize = false })
            .UseFamily(ModelFamily.SharedTrunk, new ArchitectureOptions { TrunkLayers = [] })
            .Build();
        const double learningRate = 0.1;
        const int seed = 7;

        // The same initialisation the trainer will draw.
        manual_seed(seed);
        using var initial = new MultitaskNetwork(definition);
        var w0 = initial.TaskParameters("a")[0].data<float>().ToArray(); // [T = 2, in = 2, out = 1]
        var b0 = initial.TaskParameters("a")[1].data<float>().ToArray(); // [T = 2, out = 1]

        var trainer = new MultitaskTrainer(new TrainerOptions
        {
            Epochs = 1,
            Mode = GradientDescentMode.FullBatch,
            Optimizer = OptimizerKind.Sgd,
            Momentum = 0,
            LearningRate = learningRate,
            StandardizeRegressionTargets = false,
            GradientClipNorm = null,
            Seed = seed,
        }.Deterministic());
        using var model = trainer.Fit(definition, data);
        var w1 = model.Network.TaskParameters("a")[0].data<float>().ToArray();
        var b1 = model.Network.TaskParameters("a")[1].data<float>().ToArray();

        double?[][] targets = [a, b];
        double[] alpha = [1, 0.5];
        for (var t = 0; t < 2; t++)
        {
            var rows = Enumerable.Range(0, 4).Where(j => targets[t][j] is not null).ToArray();
            double gw0 = 0, gw1 = 0, gb = 0;
            foreach (var j in rows)
            {
                var residual = (x[j, 0] * w0[(t * 2) + 0]) + (x[j, 1] * w0[(t * 2) + 1]) + b0[t] - targets[t][j]!.Value;
                var scale = alpha[t] * 2 * residual / rows.Length;
                gw0 += scale * x[j, 0];
                gw1 += scale * x[j, 1];
                gb += scale;
            }

            Assert.Equal(w0[(t * 2) + 0] - (learningRate * gw0), w1[(t * 2) + 0], 5);
            Assert.Equal(w0[(t * 2) + 1] - (learningRate * gw1), w1[(t * 2) + 1], 5);
            Assert.Equal(b0[t] - (learningRate * gb), b1[t], 5);
        }
    }
}
