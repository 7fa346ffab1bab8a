using MultitaskLearning.Data;
using MultitaskLearning.Models;
using MultitaskLearning.Tasks;
using MultitaskLearning.TestUtilities;
using MultitaskLearning.Training;
using MultitaskLearning.Training.Aggregation;
using MultitaskLearning.Training.Weighting;
using Xunit;

namespace MultitaskLearning.Tests.Training;

/// <summary>The fused engine trains the same model as the autograd engine (same initial weights, same batches): every
/// loss, missing labels, weight decay, Nesterov, clipping, PCGrad and MGDA (Adam and AdamW: EngineEquivalenceTests);
/// and it refuses what it does not support.
/// The tests that run the fused engine are skipped on processors without AVX2 and FMA, where the engine cannot run.</summary>
public sealed class FusedEngineTests
{
    [TheoryRequiresAvx2]
    [InlineData(false, null, AggregationSpace.SharedParameters)]
    [InlineData(true, null, AggregationSpace.SharedParameters)]
    [InlineData(false, "pcgrad", AggregationSpace.SharedParameters)]
    [InlineData(false, "mgda", AggregationSpace.SharedParameters)]
    [InlineData(false, "mgda", AggregationSpace.SharedRepresentation)]
    public void Fused_TrainsTheSameModelAsAutograd(bool nesterovAndDecay, string? aggregator, AggregationSpace space)
    {
        var data = MixedTasks(160, seed: 3);
        var definition = MultitaskModelBuilder.FromDataset(data, i => i with { EncoderLayers = [12] })
            .UseFamily(ModelFamily.SharedTrunk, new ArchitectureOptions { TrunkLayers = [10] }).Build();
        TrainerOptions Options(TrainingEngine engine) => new TrainerOptions
        {
            Epochs = 4,
            BatchSize = 24,
            LearningRate = 0.05,
            Momentum = 0.9,
            Nesterov = nesterovAndDecay,
            WeightDecay = nesterovAndDecay ? 0.01 : 0,
            GradientClipNorm = 1,
            Engine = engine,
            Seed = 7,
            GradientAggregator = aggregator switch
            {
                "pcgrad" => new PCGrad(randomOrder: false),
                "mgda" => new Mgda(),
                _ => null,
            },
            AggregationSpace = space,
        }.Deterministic();

        using var fused = new MultitaskTrainer(Options(TrainingEngine.Fused)).Fit(definition, data);
        using var autograd = new MultitaskTrainer(Options(TrainingEngine.Autograd)).Fit(definition, data);
        var a = fused.Network.named_parameters().ToDictionary(p => p.name, p => p.parameter.data<float>().ToArray());
        foreach (var (name, parameter) in autograd.Network.named_parameters())
        {
            var expected = parameter.data<float>().ToArray();
            var actual = a[name];
            var scale = expected.Max(v => Math.Abs(v)) + 1e-3;
            var difference = expected.Zip(actual, (e, x) => Math.Abs(e - x)).Max();
            Assert.True(difference <= 2e-3 * scale, $"{name}: largest difference {difference} (scale {scale})");
        }

        for (var e = 0; e < 4; e++)
        {
            Assert.Equal(autograd.TrainingHistory!.Epochs[e].TrainingLoss, fused.TrainingHistory!.Epochs[e].TrainingLoss, 3);
        }
    }

    [FactRequiresAvx2]
    public void Fused_LeavesNoLiveTensors()
    {
        var data = MixedTasks(100, seed: 4);
        var split = DatasetSplitter.Split(data);
        var definition = MultitaskModelBuilder.FromDataset(split.Train).UseFamily(ModelFamily.SharedTrunk, new ArchitectureOptions { TrunkLayers = [8] }).Build();
        var options = new TrainerOptions { Epochs = 3, Engine = TrainingEngine.Fused, GradientAggregator = new PCGrad(), EarlyStopping = new EarlyStoppingOptions { Patience = 5 } }.Deterministic();
        var before = LiveTensors.Count;
        using (var model = new MultitaskTrainer(options).Fit(definition, split.Train, split.Validation))
        {
            model.Evaluate(split.Test);
            model.Predict(split.Test);
        }

        Assert.Equal(before, LiveTensors.Count);
    }

    [TheoryRequiresAvx2] // without AVX2 the refusal names the processor instead
    [InlineData("aggregator", "graddrop")]
    [InlineData("relationships", "relationships")]
    [InlineData("gradnorm", "GradNorm")]
    public void Fused_RefusesWhatItDoesNotImplement_NamingTheReason(string change, string named)
    {
        var data = MixedTasks(60, seed: 5);
        var definition = MultitaskModelBuilder.FromDataset(data)
            .UseFamily(ModelFamily.SharedTrunk, new ArchitectureOptions { TrunkLayers = [8] })
            .Build();
        var options = new TrainerOptions
        {
            Epochs = 1,
            Engine = TrainingEngine.Fused,
            LossWeighting = change switch
            {
                "gradnorm" => new GradNorm(),
                _ => new FixedWeighting(),
            },
            GradientAggregator = change == "aggregator" ? new GradDrop() : null,
            RecordTaskRelationships = change == "relationships",
        }.Deterministic();
        var error = Assert.Throws<ArgumentException>(() => new MultitaskTrainer(options).Fit(definition, data).Dispose());
        Assert.Contains(named, error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Engine is Fused", error.Message, StringComparison.Ordinal);

        // Automatic falls back to autograd for the same configuration.
        options.Engine = TrainingEngine.Automatic;
        using var model = new MultitaskTrainer(options).Fit(definition, data);
        Assert.Single(model.TrainingHistory!.Epochs);
    }

    [Fact]
    public void RepresentationSpace_IsRefusedForAggregatorsThatNeedParameterGradients()
    {
        var error = Assert.Throws<ArgumentException>(() => new MultitaskTrainer(new TrainerOptions { GradientAggregator = new PCGrad(), AggregationSpace = AggregationSpace.SharedRepresentation }.Deterministic()));
        Assert.Contains("AggregationSpace", error.Message, StringComparison.Ordinal);
        Assert.Contains("pcgrad", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RepresentationSpace_IsRefusedForModelsWithoutOneSharedRepresentation()
    {
        var data = MixedTasks(40, seed: 6);
        var definition = MultitaskModelBuilder.FromDataset(data).UseFamily(ModelFamily.Mmoe, new ArchitectureOptions { TrunkLayers = [8] }).Build();
        var options = new TrainerOptions { Epochs = 1, GradientAggregator = new Mgda(), AggregationSpace = AggregationSpace.SharedRepresentation }.Deterministic();
        var error = Assert.Throws<ArgumentException>(() => new MultitaskTrainer(options).Fit(definition, data).Dispose());
        Assert.Contains("mmoe", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void RepresentationSpace_MgdaWeightsComeFromRepresentationGradients()
    {
        // Hybrid models have towers, so this runs the autograd engine's representation mode.
        var data = MixedTasks(80, seed: 8);
        var definition = MultitaskModelBuilder.FromDataset(data).UseFamily(ModelFamily.Hybrid, new ArchitectureOptions { TrunkLayers = [8], TowerLayers = [4] }).Build();
        var options = new TrainerOptions { Epochs = 3, GradientAggregator = new Mgda(MgdaNormalization.L2), AggregationSpace = AggregationSpace.SharedRepresentation }.Deterministic();
        using var model = new MultitaskTrainer(options).Fit(definition, data);
        Assert.All(model.TrainingHistory!.Epochs, e => Assert.True(double.IsFinite(e.TrainingLoss)));
        Assert.True(model.TrainingHistory!.Epochs[^1].TrainingLoss < model.TrainingHistory!.Epochs[0].TrainingLoss);
    }

    /// <summary>Regression (two outputs), binary, multiclass and multi-label tasks on one input, 15 % of labels missing.</summary>
    internal static MultitaskDataset MixedTasks(int count, int seed)
    {
        var random = new Random(seed);
        const int features = 6;
        var x = new float[count, features];
        var values = new float[count, 2];
        var present = new bool[count];
        var pass = new string?[count];
        var kind = new int?[count];
        var tags = new IReadOnlyCollection<string>?[count];
        for (var i = 0; i < count; i++)
        {
            for (var j = 0; j < features; j++)
            {
                x[i, j] = (float)((random.NextDouble() * 2) - 1);
            }

            values[i, 0] = x[i, 0] + (2 * x[i, 1]);
            values[i, 1] = x[i, 2] * x[i, 3];
            present[i] = random.NextDouble() > 0.15;
            pass[i] = random.NextDouble() < 0.15 ? null : x[i, 0] + x[i, 4] > 0 ? "yes" : "no";
            kind[i] = random.NextDouble() < 0.15 ? null : (x[i, 1] > 0.3 ? 2 : x[i, 1] > -0.3 ? 1 : 0);
            tags[i] = random.NextDouble() < 0.15 ? null : new[] { x[i, 2] > 0 ? "a" : null, x[i, 5] > 0 ? "b" : null, x[i, 3] > 0.5 ? "c" : null }.OfType<string>().ToArray();
        }

        TaskDefinition[] tasks =
        [
            TaskDefinition.Regression("values", outputs: 2),
            TaskDefinition.Binary("pass", "no", "yes") with { Weight = 0.5 },
            TaskDefinition.Multiclass("kind", 3),
            TaskDefinition.MultiLabel("tags", "a", "b", "c"),
        ];
        return new MultitaskDatasetBuilder(tasks)
            .AddSamples("features", x, new Dictionary<string, LabelColumn>
            {
                ["values"] = LabelColumn.FromMatrix(values, present),
                ["pass"] = LabelColumn.FromLabels(pass),
                ["kind"] = LabelColumn.FromClassIndices(kind),
                ["tags"] = LabelColumn.FromLabelSets(tags),
            })
            .Build();
    }

    /// <summary>The fused engine's results do not depend on its thread count: products split among threads keep every
    /// value's order of summation, and the optimiser's update, split among threads for long buffers (here 0.7 M
    /// parameters, so two parts), computes every value as on one thread; MMoE's experts run on the threads side by side.</summary>
    [TheoryRequiresAvx2]
    [InlineData(OptimizerKind.Sgd, ModelFamily.SharedTrunk)]
    [InlineData(OptimizerKind.Adam, ModelFamily.SharedTrunk)]
    [InlineData(OptimizerKind.Adam, ModelFamily.Mmoe)]
    public void ThreadCount_DoesNotChangeTheModel(OptimizerKind optimizer, ModelFamily family)
    {
        var random = new Random(6);
        var x = new float[48, 1100];
        var kind = new int?[48];
        for (var i = 0; i < 48; i++)
        {
            for (var j = 0; j < 1100; j++)
            {
                x[i, j] = (float)random.NextDouble();
            }

            kind[i] = random.Next(3);
        }

        var data = new MultitaskDatasetBuilder([TaskDefinition.Multiclass("kind", 3)])
            .AddSamples("features", x, new Dictionary<string, LabelColumn> { ["kind"] = LabelColumn.FromClassIndices(kind) })
            .Build();
        var definition = MultitaskModelBuilder.FromDataset(data).UseFamily(family, new ArchitectureOptions { TrunkLayers = [512, 256], Experts = 3, TowerLayers = [8] }).Build();
        float[] Train(int threads)
        {
            var options = new TrainerOptions { Epochs = 2, BatchSize = 16, Optimizer = optimizer, LearningRate = optimizer == OptimizerKind.Adam ? 1e-3 : 0.05, Seed = 2, Engine = TrainingEngine.Fused }.Deterministic();
            options.Threads = threads;
            using var model = new MultitaskTrainer(options).Fit(definition, data);
            return model.Network.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
        }

        Assert.Equal(Train(1), Train(2));
    }

    /// <summary>With many tasks the small tower and head layers run side by side, a part of the tasks per thread; one
    /// thread and two give the same bits.</summary>
    [Fact]
    public void ThreadCount_DoesNotChangeTheModel_WithManySmallTaskLayers()
    {
        var data = EngineEquivalenceTests.ManyTasks(96, 24, seed: 4);
        var definition = MultitaskModelBuilder.FromDataset(data, i => i with { EncoderLayers = [16] })
            .UseFamily(ModelFamily.Hybrid, new ArchitectureOptions { TrunkLayers = [12], TowerLayers = [6] }).Build();
        float[] Train(int threads)
        {
            var options = new TrainerOptions { Epochs = 2, BatchSize = 16, Optimizer = OptimizerKind.Adam, LearningRate = 0.01, Seed = 3, Engine = TrainingEngine.Fused }.Deterministic();
            options.Threads = threads;
            using var model = new MultitaskTrainer(options).Fit(definition, data);
            return model.Network.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
        }

        Assert.Equal(Train(1), Train(2));
    }
}
