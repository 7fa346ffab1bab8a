using System.Reflection;
using MultitaskLearning.Data;
using MultitaskLearning.Models;
using MultitaskLearning.Tasks;
using MultitaskLearning.TestUtilities;
using MultitaskLearning.Training;
using MultitaskLearning.Training.Aggregation;
using MultitaskLearning.Training.Weighting;
using Xunit;

namespace MultitaskLearning.Tests.Training;

/// <summary>
/// Every public property of <see cref="TrainerOptions"/> is declared here: either as supported by the fused engine,
/// with the values under which both engines must train the same model, or as refused by it with the reason it names, or
/// as not reaching the engines at all. A new option fails <see cref="EveryTrainerOption_IsDeclared"/> until it is
/// declared, so neither engine can silently ignore it.
/// </summary>
public sealed class EngineEquivalenceTests
{
    /// <summary>Values of each option under which the fused and autograd engines must agree.</summary>
    private static readonly Dictionary<string, (string Case, Action<TrainerOptions> Apply)[]> Supported = new(StringComparer.Ordinal)
    {
        [nameof(TrainerOptions.Epochs)] = [("2", o => o.Epochs = 2)],
        [nameof(TrainerOptions.Mode)] = [("stochastic", o => { o.Mode = GradientDescentMode.Stochastic; o.Epochs = 1; o.LearningRate = 0.005; }), ("full-batch", o => o.Mode = GradientDescentMode.FullBatch)],
        [nameof(TrainerOptions.TaskSampling)] = [("proportional", o => o.TaskSampling = TaskSampling.Proportional), ("round-robin", o => o.TaskSampling = TaskSampling.RoundRobin)],
        [nameof(TrainerOptions.SamplingTemperature)] = [("temperature 3", o => { o.TaskSampling = TaskSampling.Temperature; o.SamplingTemperature = 3; })],
        [nameof(TrainerOptions.BatchSize)] = [("7", o => o.BatchSize = 7)],
        [nameof(TrainerOptions.Optimizer)] =
        [
            ("sgd", o => o.Optimizer = OptimizerKind.Sgd),
            ("adam", o => { o.Optimizer = OptimizerKind.Adam; o.LearningRate = 0.005; }),
            ("adamw", o => { o.Optimizer = OptimizerKind.AdamW; o.LearningRate = 0.005; }),
            ("adam, L2 decay, cosine, clipping", o => { o.Optimizer = OptimizerKind.Adam; o.LearningRate = 0.005; o.WeightDecay = 0.01; o.Schedule = LearningRateSchedule.Cosine; o.GradientClipNorm = 0.3; }),
            ("adamw, decoupled decay, shared rate 0.5, pcgrad", o => { o.Optimizer = OptimizerKind.AdamW; o.LearningRate = 0.005; o.WeightDecay = 0.05; o.SharedLearningRateFactor = 0.5; o.GradientAggregator = new PCGrad(randomOrder: false); }),
        ],
        [nameof(TrainerOptions.LearningRate)] = [("0.02", o => o.LearningRate = 0.02)],
        [nameof(TrainerOptions.Momentum)] = [("0", o => o.Momentum = 0), ("0.5", o => o.Momentum = 0.5)],
        [nameof(TrainerOptions.Nesterov)] = [("on", o => o.Nesterov = true)],
        [nameof(TrainerOptions.WeightDecay)] = [("0.01", o => o.WeightDecay = 0.01)],
        [nameof(TrainerOptions.Schedule)] = [("step", o => { o.Schedule = LearningRateSchedule.Step; o.StepSize = 1; }), ("cosine", o => o.Schedule = LearningRateSchedule.Cosine)],
        [nameof(TrainerOptions.StepSize)] = [("2", o => { o.Schedule = LearningRateSchedule.Step; o.StepSize = 2; })],
        [nameof(TrainerOptions.StepGamma)] = [("0.3", o => { o.Schedule = LearningRateSchedule.Step; o.StepSize = 1; o.StepGamma = 0.3; })],
        [nameof(TrainerOptions.MinimumLearningRate)] = [("0.01", o => { o.Schedule = LearningRateSchedule.Cosine; o.MinimumLearningRate = 0.01; })],
        [nameof(TrainerOptions.GradientClipNorm)] = [("none", o => o.GradientClipNorm = null), ("0.3", o => o.GradientClipNorm = 0.3)],
        [nameof(TrainerOptions.LossWeighting)] =
        [
            ("fixed", o => o.LossWeighting = new FixedWeighting()),
            ("equal", o => o.LossWeighting = new EqualWeighting()),
            ("dwa", o => o.LossWeighting = new DynamicWeightAverage()),
            ("rlw", o => o.LossWeighting = new RandomLossWeighting()),
            ("gls", o => o.LossWeighting = new GeometricLossWeighting()),
            ("famo", o => o.LossWeighting = new Famo()),
            ("uncertainty", o => o.LossWeighting = new UncertaintyWeighting()),
            ("uncertainty, adam, clipping 0.3, shared rate 0.5", o => { o.LossWeighting = new UncertaintyWeighting(); o.Optimizer = OptimizerKind.Adam; o.LearningRate = 0.01; o.GradientClipNorm = 0.3; o.SharedLearningRateFactor = 0.5; }),
            ("dwa, 5 epochs, pcgrad", o => { o.LossWeighting = new DynamicWeightAverage(); o.Epochs = 5; o.GradientAggregator = new PCGrad(randomOrder: false); }),
            ("famo, adam, mgda on the representation", o => { o.LossWeighting = new Famo(); o.Optimizer = OptimizerKind.Adam; o.LearningRate = 0.005; o.GradientAggregator = new Mgda(); o.AggregationSpace = AggregationSpace.SharedRepresentation; }),
        ],
        [nameof(TrainerOptions.GradientAggregator)] =
        [
            ("pcgrad", o => o.GradientAggregator = new PCGrad(randomOrder: false)),
            ("pcgrad random", o => o.GradientAggregator = new PCGrad()),
            ("mgda", o => o.GradientAggregator = new Mgda()),
            ("cagrad", o => o.GradientAggregator = new CaGrad()),
            ("gradvac", o => o.GradientAggregator = new GradVac(0.1)),
            ("imtl-g", o => o.GradientAggregator = new ImtlG()),
            ("aligned-mtl", o => o.GradientAggregator = new AlignedMtl()),
            ("nash-mtl", o => o.GradientAggregator = new NashMtl()),
            ("upgrad", o => o.GradientAggregator = new UpGrad()),
        ],
        [nameof(TrainerOptions.AggregationSpace)] = [("representation", o => { o.GradientAggregator = new Mgda(); o.AggregationSpace = AggregationSpace.SharedRepresentation; })],
        [nameof(TrainerOptions.EarlyStopping)] = [("patience 1", o => o.EarlyStopping = new EarlyStoppingOptions { Patience = 1, Monitor = MonitoredMetric.Mean(MetricKind.Accuracy) })],
        [nameof(TrainerOptions.Checkpoints)] = [("every epoch", o => o.Checkpoints = new CheckpointOptions(Path.Combine(Path.GetTempPath(), $"mtl-equivalence-{Guid.NewGuid():N}")) { EveryEpochs = 1 })],
        [nameof(TrainerOptions.Seed)] = [("11", o => o.Seed = 11)],
        [nameof(TrainerOptions.StandardizeRegressionTargets)] = [("off", o => o.StandardizeRegressionTargets = false)],
        [nameof(TrainerOptions.SharedLearningRateFactor)] = [("0.5", o => o.SharedLearningRateFactor = 0.5)],
        [nameof(TrainerOptions.Threads)] = [("2", o => o.Threads = 2)],
        [nameof(TrainerOptions.Shuffle)] = [("off", o => o.Shuffle = false)],
        [nameof(TrainerOptions.DropLastPartialBatch)] = [("on", o => { o.DropLastPartialBatch = true; o.BatchSize = 25; })],
    };

    /// <summary>Settings the fused engine refuses, and a word its refusal must contain.</summary>
    private static readonly Dictionary<string, (string Case, Action<TrainerOptions> Apply, string Named)[]> Refused = new(StringComparer.Ordinal)
    {
        [nameof(TrainerOptions.LossWeighting)] =
        [
            ("gradnorm", o => o.LossWeighting = new GradNorm(), "GradNorm"),
        ],
        [nameof(TrainerOptions.GradientAggregator)] = [("graddrop", o => o.GradientAggregator = new GradDrop(), "graddrop")],
        [nameof(TrainerOptions.RecordTaskRelationships)] = [("on", o => o.RecordTaskRelationships = true, "relationships")],
        [nameof(TrainerOptions.RecordTaskAffinity)] = [("on", o => o.RecordTaskAffinity = true, "affinity")],
        [nameof(TrainerOptions.TrainableTasks)] = [("all tasks", o => o.TrainableTasks = ["values", "pass", "kind", "tags"], "frozen")],
        [nameof(TrainerOptions.SharedLearningRateFactor)] = [("0", o => o.SharedLearningRateFactor = 0, "frozen")],
    };

    /// <summary>Options that do not change what a step computes, and why.</summary>
    private static readonly Dictionary<string, string> NotEngineOptions = new(StringComparer.Ordinal)
    {
        [nameof(TrainerOptions.Engine)] = "the option under test",
        [nameof(TrainerOptions.EvaluationBatchSize)] = "validation only; the loop evaluates for both engines",
        [nameof(TrainerOptions.Device)] = "CUDA: the fused engine refuses non-CPU devices (no GPU on the test machines)",
        [nameof(TrainerOptions.Logger)] = "logging only",
        [nameof(TrainerOptions.StepProgress)] = "reporting only; StepProgressTests trains with and without it on each engine",
        [nameof(TrainerOptions.StepProgressInterval)] = "reporting only; StepProgressTests trains with and without it on each engine",
        [nameof(TrainerOptions.ResumeFrom)] = "the loop restores state for both engines; KillAndResumeTests runs it on each engine",
    };

    public static TheoryData<string, string> SupportedCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var (option, cases) in Supported)
        {
            foreach (var (name, _) in cases)
            {
                data.Add(option, name);
            }
        }

        return data;
    }

    public static TheoryData<string, string> RefusedCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var (option, cases) in Refused)
        {
            foreach (var (name, _, _) in cases)
            {
                data.Add(option, name);
            }
        }

        return data;
    }

    [Fact]
    public void EveryTrainerOption_IsDeclared()
    {
        var properties = typeof(TrainerOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name).ToArray();
        var undeclared = properties.Where(p => !Supported.ContainsKey(p) && !Refused.ContainsKey(p) && !NotEngineOptions.ContainsKey(p)).ToArray();
        Assert.True(undeclared.Length == 0, $"Declare these TrainerOptions properties as supported (with cases), refused (with the reason) or not engine options: {string.Join(", ", undeclared)}.");
        var stale = Supported.Keys.Concat(Refused.Keys).Concat(NotEngineOptions.Keys).Except(properties).ToArray();
        Assert.True(stale.Length == 0, $"Declared options that TrainerOptions no longer has: {string.Join(", ", stale)}.");
    }

    [TheoryRequiresAvx2]
    [MemberData(nameof(SupportedCases))]
    public void SupportedOption_BothEnginesTrainTheSameModel(string option, string value)
    {
        var apply = Supported[option].Single(c => c.Case == value).Apply;
        var data = FusedEngineTests.MixedTasks(150, seed: 21);
        var split = DatasetSplitter.Split(data, new SplitOptions { TrainFraction = 0.8, ValidationFraction = 0.2, Seed = 2 });
        var definition = MultitaskModelBuilder.FromDataset(split.Train, i => i with { EncoderLayers = [12] })
            .UseFamily(ModelFamily.SharedTrunk, new ArchitectureOptions { TrunkLayers = [10] }).Build();
        TrainerOptions Options(TrainingEngine engine)
        {
            var options = new TrainerOptions { Epochs = 3, BatchSize = 16, LearningRate = 0.05, Seed = 7, Engine = engine }.Deterministic();
            apply(options);
            return options;
        }

        var fusedOptions = Options(TrainingEngine.Fused);
        var autogradOptions = Options(TrainingEngine.Autograd);
        try
        {
            using var fused = new MultitaskTrainer(fusedOptions).Fit(definition, split.Train, split.Validation);
            using var autograd = new MultitaskTrainer(autogradOptions).Fit(definition, split.Train, split.Validation);
            Assert.Equal(TrainingEngine.Fused, fused.TrainingHistory!.Engine);
            Assert.Equal(TrainingEngine.Autograd, autograd.TrainingHistory!.Engine);
            AssertSameModel(autograd, fused);
            if (fusedOptions.Checkpoints is { } checkpoints)
            {
                Assert.NotEmpty(Directory.GetFiles(checkpoints.Directory, "epoch-*.mtl"));
            }
        }
        finally
        {
            foreach (var directory in new[] { fusedOptions.Checkpoints?.Directory, autogradOptions.Checkpoints?.Directory })
            {
                if (directory is not null && Directory.Exists(directory))
                {
                    Directory.Delete(directory, recursive: true);
                }
            }
        }
    }

    /// <summary>The convolutional cases: sample shape, convolution channels, dense encoder layers, options.</summary>
    private static readonly Dictionary<string, (int[] Shape, int[] Channels, int[] EncoderLayers, Action<TrainerOptions> Apply)> ConvolutionCases = new(StringComparer.Ordinal)
    {
        ["2-D 1×8×8, one block, sgd"] = ([1, 8, 8], [3], [], _ => { }),
        ["2-D 2×7×9, two blocks, encoder layer, adam"] = ([2, 7, 9], [3, 4], [6], o => { o.Optimizer = OptimizerKind.Adam; o.LearningRate = 0.01; o.WeightDecay = 0.01; }),
        ["1-D 2×11, two blocks, adamw, batch 7"] = ([2, 11], [3, 4], [], o => { o.Optimizer = OptimizerKind.AdamW; o.LearningRate = 0.01; o.WeightDecay = 0.01; o.BatchSize = 7; }),
        ["2-D 3×6×6, pcgrad on the parameters"] = ([3, 6, 6], [3], [], o => o.GradientAggregator = new PCGrad(randomOrder: false)),
        ["2-D 1×9×8, mgda on the representation, nesterov"] = ([1, 9, 8], [3], [], o => { o.GradientAggregator = new Mgda(); o.AggregationSpace = AggregationSpace.SharedRepresentation; o.Nesterov = true; }),
        ["2-D 1×10×10, 24 then 4 channels (direct first block in vectors), adam"] = ([1, 10, 10], [24, 4], [], o => { o.Optimizer = OptimizerKind.Adam; o.LearningRate = 0.01; }),
        ["2-D 4×6×6, unfolded first block (4 input channels)"] = ([4, 6, 6], [3], [], _ => { }),
        ["2-D 4×20×20, unfolded 6 samples at a time, 2 threads"] = ([4, 20, 20], [3, 4], [], o => o.Threads = 2),
    };

    public static TheoryData<string> ConvolutionCaseNames() => new(ConvolutionCases.Keys);

    /// <summary>Convolutional encoders on the fused engine (first blocks with few input channels computed directly,
    /// the others unfolded and multiplied; max-pool then ReLU) against autograd's Conv2d/Conv1d, ReLU and max-pool:
    /// vector and scalar channel counts, odd spatial sizes (the pool drops a row and a column), several channels,
    /// one and two blocks, dense encoder layers after them, every optimiser and per-task gradients through the
    /// convolutions (parameter space) or the representation.</summary>
    [TheoryRequiresAvx2]
    [MemberData(nameof(ConvolutionCaseNames))]
    public void ConvolutionalEncoder_BothEnginesTrainTheSameModel(string name)
    {
        var (shape, channels, encoderLayers, apply) = ConvolutionCases[name];
        var data = Images(90, shape, seed: 4);
        var split = DatasetSplitter.Split(data, new SplitOptions { TrainFraction = 0.8, ValidationFraction = 0.2, Seed = 2 });
        var definition = MultitaskModelBuilder.FromDataset(split.Train, i => i with { Encoder = EncoderKind.Convolutional, ConvolutionChannels = channels, EncoderLayers = encoderLayers })
            .UseFamily(ModelFamily.SharedTrunk, new ArchitectureOptions { TrunkLayers = [5] }).Build();
        TrainOnBothEngines(definition, split, apply);
    }

    /// <summary>Hybrid models (a tower of ReLU layers per task before its head): tower depth, optimiser, per-task
    /// gradients in either space, and a convolutional encoder. Cases: tower layers, convolutional, options.</summary>
    private static readonly Dictionary<string, (int[] Towers, bool Convolutional, Action<TrainerOptions> Apply)> TowerCases = new(StringComparer.Ordinal)
    {
        ["tower [6], sgd"] = ([6], false, _ => { }),
        ["towers [7, 5], adam, batch 7"] = ([7, 5], false, o => { o.Optimizer = OptimizerKind.Adam; o.LearningRate = 0.005; o.BatchSize = 7; }),
        ["tower [6], pcgrad on the parameters, shared rate 0.5"] = ([6], false, o => { o.GradientAggregator = new PCGrad(randomOrder: false); o.SharedLearningRateFactor = 0.5; }),
        ["towers [6, 4], mgda on the representation, nesterov"] = ([6, 4], false, o => { o.GradientAggregator = new Mgda(); o.AggregationSpace = AggregationSpace.SharedRepresentation; o.Nesterov = true; }),
        ["tower [5] after a convolutional encoder, adamw"] = ([5], true, o => { o.Optimizer = OptimizerKind.AdamW; o.LearningRate = 0.01; o.WeightDecay = 0.01; }),
    };

    public static TheoryData<string> TowerCaseNames() => new(TowerCases.Keys);

    /// <summary>Towers on the fused engine (the first tower layer of every task in one product, then each task's own
    /// layers) against autograd's stacked task blocks, with missing labels in the regression and classification tasks.</summary>
    [TheoryRequiresAvx2]
    [MemberData(nameof(TowerCaseNames))]
    public void HybridTowers_BothEnginesTrainTheSameModel(string name)
    {
        var (towers, convolutional, apply) = TowerCases[name];
        var data = convolutional ? Images(90, [1, 8, 8], seed: 5) : FusedEngineTests.MixedTasks(150, seed: 21);
        var split = DatasetSplitter.Split(data, new SplitOptions { TrainFraction = 0.8, ValidationFraction = 0.2, Seed = 2 });
        var definition = MultitaskModelBuilder.FromDataset(split.Train, i => convolutional ? i with { Encoder = EncoderKind.Convolutional, ConvolutionChannels = [3] } : i with { EncoderLayers = [12] })
            .UseFamily(ModelFamily.Hybrid, new ArchitectureOptions { TrunkLayers = [10], TowerLayers = towers }).Build();
        TrainOnBothEngines(definition, split, apply);
    }

    /// <summary>MMoE and CGC models: expert depth and activation, shared and per-task experts, towers or heads only, a
    /// dense or convolutional encoder below the experts (whose input gradient then flows on) or none, every optimiser.
    /// Cases: family, experts, per-task experts, expert layers, towers, encoder, activation, options.</summary>
    private static readonly Dictionary<string, (ModelFamily Family, int Experts, int TaskExperts, int[] ExpertLayers, int[] Towers, string Encoder, Activation Activation, Action<TrainerOptions> Apply)> MixtureCases = new(StringComparer.Ordinal)
    {
        ["mmoe, 3 experts [6], tower [5], sgd"] = (ModelFamily.Mmoe, 3, 1, [6], [5], "none", Activation.ReLU, _ => { }),
        ["mmoe, 2 experts [7, 5], heads only, dense encoder, adam, batch 7"] = (ModelFamily.Mmoe, 2, 1, [7, 5], [], "dense", Activation.ReLU, o => { o.Optimizer = OptimizerKind.Adam; o.LearningRate = 0.01; o.BatchSize = 7; }),
        ["cgc, 2 shared + 2 per task [6], tower [4], tanh, adamw, shared rate 0.5"] = (ModelFamily.Cgc, 2, 2, [6], [4], "none", Activation.Tanh, o => { o.Optimizer = OptimizerKind.AdamW; o.LearningRate = 0.01; o.WeightDecay = 0.01; o.SharedLearningRateFactor = 0.5; }),
        ["cgc, 1 shared + 1 per task [5, 4], towers [4, 3], gelu, nesterov"] = (ModelFamily.Cgc, 1, 1, [5, 4], [4, 3], "dense", Activation.GELU, o => o.Nesterov = true),
        ["mmoe after a convolutional encoder, 2 experts [5], tower [4], adam"] = (ModelFamily.Mmoe, 2, 1, [5], [4], "convolutional", Activation.ReLU, o => { o.Optimizer = OptimizerKind.Adam; o.LearningRate = 0.01; }),
        ["cross-stitch, columns [6], tower [5], tanh, sgd"] = (ModelFamily.CrossStitch, 1, 1, [6], [5], "none", Activation.Tanh, _ => { }),
        ["cross-stitch, columns [7, 5], heads only, dense encoder, adam, batch 7"] = (ModelFamily.CrossStitch, 1, 1, [7, 5], [], "dense", Activation.ReLU, o => { o.Optimizer = OptimizerKind.Adam; o.LearningRate = 0.01; o.BatchSize = 7; }),
        ["cross-stitch after a convolutional encoder, columns [5, 4], adamw"] = (ModelFamily.CrossStitch, 1, 1, [5, 4], [4], "convolutional", Activation.ReLU, o => { o.Optimizer = OptimizerKind.AdamW; o.LearningRate = 0.01; o.WeightDecay = 0.01; }),
    };

    public static TheoryData<string> MixtureCaseNames() => new(MixtureCases.Keys);

    /// <summary>Experts with softmax gates on the fused engine (first expert layers and gates in a few products, the
    /// mixture and its gradients per task) against autograd's expert modules, gates and einsum, with missing labels.</summary>
    [TheoryRequiresAvx2]
    [MemberData(nameof(MixtureCaseNames))]
    public void ExpertMixtures_BothEnginesTrainTheSameModel(string name)
    {
        var (family, experts, taskExperts, expertLayers, towers, encoder, activation, apply) = MixtureCases[name];
        var data = encoder == "convolutional" ? Images(90, [1, 8, 8], seed: 6) : FusedEngineTests.MixedTasks(150, seed: 22);
        var split = DatasetSplitter.Split(data, new SplitOptions { TrainFraction = 0.8, ValidationFraction = 0.2, Seed = 2 });
        var definition = MultitaskModelBuilder.FromDataset(split.Train, i => encoder switch
            {
                "convolutional" => i with { Encoder = EncoderKind.Convolutional, ConvolutionChannels = [3] },
                "dense" => i with { EncoderLayers = [9] },
                _ => i,
            })
            .UseFamily(family, new ArchitectureOptions { TrunkLayers = expertLayers, Experts = experts, TaskExperts = taskExperts, TowerLayers = towers, Activation = activation }).Build();
        TrainOnBothEngines(definition, split, apply);
    }

    /// <summary>Dropout after the encoder's, the trunk's, the towers' and the experts' activations, with masks both
    /// engines draw from the network's <c>DropoutMasks</c>. Cases: family, encoder, trunk or expert layers, towers,
    /// rate, activation, options.</summary>
    private static readonly Dictionary<string, (ModelFamily Family, string Encoder, int[] Layers, int[] Towers, double Rate, Activation Activation, Action<TrainerOptions> Apply)> DropoutCases = new(StringComparer.Ordinal)
    {
        ["shared trunk [10, 6] after an encoder layer, 0.3, sgd"] = (ModelFamily.SharedTrunk, "dense", [10, 6], [], 0.3, Activation.ReLU, _ => { }),
        ["hybrid, towers [7, 5], 0.2, adam, pcgrad on the parameters"] = (ModelFamily.Hybrid, "none", [10], [7, 5], 0.2, Activation.ReLU, o => { o.Optimizer = OptimizerKind.Adam; o.LearningRate = 0.005; o.GradientAggregator = new PCGrad(randomOrder: false); }),
        ["hybrid, tower [6], 0.25, tanh, mgda on the representation"] = (ModelFamily.Hybrid, "dense", [8], [6], 0.25, Activation.Tanh, o => { o.GradientAggregator = new Mgda(); o.AggregationSpace = AggregationSpace.SharedRepresentation; }),
        ["convolutional encoder and an encoder layer, 0.3, adamw, 2 threads"] = (ModelFamily.SharedTrunk, "convolutional", [5], [], 0.3, Activation.ReLU, o => { o.Optimizer = OptimizerKind.AdamW; o.LearningRate = 0.01; o.WeightDecay = 0.01; o.Threads = 2; }),
        ["mmoe, experts [6, 4], tower [5], 0.3, adam"] = (ModelFamily.Mmoe, "dense", [6, 4], [5], 0.3, Activation.ReLU, o => { o.Optimizer = OptimizerKind.Adam; o.LearningRate = 0.01; }),
        ["cgc, experts [5], 0.2, gelu, nesterov"] = (ModelFamily.Cgc, "none", [5], [], 0.2, Activation.GELU, o => o.Nesterov = true),
        ["cross-stitch, columns [6, 4], tower [4], 0.3, adam"] = (ModelFamily.CrossStitch, "dense", [6, 4], [4], 0.3, Activation.ReLU, o => { o.Optimizer = OptimizerKind.Adam; o.LearningRate = 0.01; }),
    };

    public static TheoryData<string> DropoutCaseNames() => new(DropoutCases.Keys);

    /// <summary>Dropout on the fused engine against autograd, both drawing the network's seeded masks.</summary>
    [TheoryRequiresAvx2]
    [MemberData(nameof(DropoutCaseNames))]
    public void Dropout_BothEnginesTrainTheSameModel(string name)
    {
        var (family, encoder, layers, towers, rate, activation, apply) = DropoutCases[name];
        var data = encoder == "convolutional" ? Images(90, [1, 8, 8], seed: 7) : FusedEngineTests.MixedTasks(150, seed: 23);
        var split = DatasetSplitter.Split(data, new SplitOptions { TrainFraction = 0.8, ValidationFraction = 0.2, Seed = 2 });
        var definition = MultitaskModelBuilder.FromDataset(split.Train, i => encoder switch
            {
                "convolutional" => i with { Encoder = EncoderKind.Convolutional, ConvolutionChannels = [3], EncoderLayers = [7] },
                "dense" => i with { EncoderLayers = [12] },
                _ => i,
            })
            .UseFamily(family, new ArchitectureOptions { TrunkLayers = layers, Experts = 2, TaskExperts = 1, TowerLayers = towers, Dropout = rate, Activation = activation }).Build();
        TrainOnBothEngines(definition, split, apply);
    }

    /// <summary>Models that read two inputs (a table with a dense encoder, images with a convolutional one), each path with
    /// its copy of the shared layers. Cases: family, layers (trunk or experts), towers, dropout, options.</summary>
    private static readonly Dictionary<string, (ModelFamily Family, int[] Layers, int[] Towers, double Dropout, Action<TrainerOptions> Apply)> TwoInputCases = new(StringComparer.Ordinal)
    {
        ["shared trunk [8, 6], sgd"] = (ModelFamily.SharedTrunk, [8, 6], [], 0, _ => { }),
        ["hybrid, tower [5], dropout 0.2, adam, clipping 0.5"] = (ModelFamily.Hybrid, [8], [5], 0.2, o => { o.Optimizer = OptimizerKind.Adam; o.LearningRate = 0.01; o.GradientClipNorm = 0.5; }),
        ["mmoe, experts [6], tower [4], adamw, shared rate 0.5"] = (ModelFamily.Mmoe, [6], [4], 0, o => { o.Optimizer = OptimizerKind.AdamW; o.LearningRate = 0.01; o.WeightDecay = 0.01; o.SharedLearningRateFactor = 0.5; }),
        ["cgc, experts [5], dwa, 4 epochs"] = (ModelFamily.Cgc, [5], [], 0, o => { o.LossWeighting = new DynamicWeightAverage(); o.Epochs = 4; }),
        ["hybrid, tower [4], uncertainty weighting, adamw"] = (ModelFamily.Hybrid, [6], [4], 0, o => { o.LossWeighting = new UncertaintyWeighting(); o.Optimizer = OptimizerKind.AdamW; o.LearningRate = 0.01; o.WeightDecay = 0.01; }),
        ["shared trunk [7], rlw, nesterov, 2 threads"] = (ModelFamily.SharedTrunk, [7], [], 0.1, o => { o.LossWeighting = new RandomLossWeighting(); o.Nesterov = true; o.Threads = 2; }),
        ["cross-stitch, columns [6], tower [4], dropout 0.3, adam"] = (ModelFamily.CrossStitch, [6], [4], 0.3, o => { o.Optimizer = OptimizerKind.Adam; o.LearningRate = 0.01; }),
    };

    public static TheoryData<string> TwoInputCaseNames() => new(TwoInputCases.Keys);

    /// <summary>Two inputs on the fused engine (a path per input, the shared layers' gradients summed over the paths)
    /// against autograd, which sums the inputs' losses.</summary>
    [TheoryRequiresAvx2]
    [MemberData(nameof(TwoInputCaseNames))]
    public void TwoInputs_BothEnginesTrainTheSameModel(string name)
    {
        var (family, layers, towers, dropout, apply) = TwoInputCases[name];
        var split = TwoInputSplit();
        var definition = MultitaskModelBuilder.FromDataset(split.Train, i => i.Name == "image"
                ? i with { Encoder = EncoderKind.Convolutional, ConvolutionChannels = [3], EncoderLayers = [8] }
                : i with { EncoderLayers = [8] })
            .UseFamily(family, new ArchitectureOptions { TrunkLayers = layers, TowerLayers = towers, Experts = 2, TaskExperts = 1, Dropout = dropout }).Build();
        TrainOnBothEngines(definition, split, apply);
    }

    [TheoryRequiresAvx2]
    [InlineData("pcgrad", "inputs, whose per-task gradients")]
    [InlineData("task sampling", "trains every input at every step")]
    public void TwoInputs_WhatTheFusedEngineDoesNotCombine_IsRefused(string change, string named)
    {
        var split = TwoInputSplit();
        var definition = MultitaskModelBuilder.FromDataset(split.Train, i => i with { EncoderLayers = [8] }).UseFamily(ModelFamily.SharedTrunk, new ArchitectureOptions { TrunkLayers = [6] }).Build();
        var options = new TrainerOptions { Epochs = 1, Engine = TrainingEngine.Fused }.Deterministic();
        if (change == "pcgrad")
        {
            options.GradientAggregator = new PCGrad();
        }
        else
        {
            options.TaskSampling = TaskSampling.RoundRobin;
        }

        var error = Assert.Throws<ArgumentException>(() => new MultitaskTrainer(options).Fit(definition, split.Train).Dispose());
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    private static DatasetSplit TwoInputSplit() => DatasetSplitter.Split(
        MultitaskDataset.Merge(FusedEngineTests.MixedTasks(150, seed: 24), Images(120, [1, 8, 8], seed: 8)),
        new SplitOptions { TrainFraction = 0.8, ValidationFraction = 0.2, Seed = 2 });

    /// <summary>Task-specific models: with dense encoders each task's stacked layers read the input (towers without a
    /// trunk); with a convolutional encoder of the task's own, one task per input. Cases: data, encoder layers, trunk
    /// layers, dropout, options.</summary>
    private static readonly Dictionary<string, (string Data, int[] EncoderLayers, int[] Layers, double Dropout, Action<TrainerOptions> Apply)> TaskSpecificCases = new(StringComparer.Ordinal)
    {
        ["dense, four tasks, encoder [9] and layers [6], sgd"] = ("table", [9], [6], 0, _ => { }),
        ["dense, layers [7, 5], dropout 0.2, adam, shared rate 0.5 (nothing is shared)"] = ("table", [], [7, 5], 0.2, o => { o.Optimizer = OptimizerKind.Adam; o.LearningRate = 0.01; o.SharedLearningRateFactor = 0.5; }),
        ["dense, rlw, nesterov"] = ("table", [8], [5], 0, o => { o.LossWeighting = new RandomLossWeighting(); o.Nesterov = true; }),
        ["convolutional, one task, encoder [6], layers [5], adamw, shared rate 0.5"] = ("image", [6], [5], 0.1, o => { o.Optimizer = OptimizerKind.AdamW; o.LearningRate = 0.01; o.WeightDecay = 0.01; o.SharedLearningRateFactor = 0.5; }),
        ["two inputs: dense with four tasks, convolutional with one"] = ("both", [6], [5], 0.2, o => { o.Optimizer = OptimizerKind.Adam; o.LearningRate = 0.01; }),
    };

    public static TheoryData<string> TaskSpecificCaseNames() => new(TaskSpecificCases.Keys);

    [TheoryRequiresAvx2]
    [MemberData(nameof(TaskSpecificCaseNames))]
    public void TaskSpecific_BothEnginesTrainTheSameModel(string name)
    {
        var (data, encoderLayers, layers, dropout, apply) = TaskSpecificCases[name];
        var dataset = data switch
        {
            "table" => FusedEngineTests.MixedTasks(150, seed: 25),
            "image" => Images(90, [1, 8, 8], seed: 9, classOnly: true),
            _ => MultitaskDataset.Merge(FusedEngineTests.MixedTasks(150, seed: 25), Images(90, [1, 8, 8], seed: 9, classOnly: true)),
        };
        var split = DatasetSplitter.Split(dataset, new SplitOptions { TrainFraction = 0.8, ValidationFraction = 0.2, Seed = 2 });
        var definition = MultitaskModelBuilder.FromDataset(split.Train, i => i.Name == "image"
                ? i with { Encoder = EncoderKind.Convolutional, ConvolutionChannels = [3], EncoderLayers = encoderLayers }
                : i with { EncoderLayers = encoderLayers })
            .UseFamily(ModelFamily.TaskSpecific, new ArchitectureOptions { TrunkLayers = layers, Dropout = dropout }).Build();
        TrainOnBothEngines(definition, split, apply);
    }

    /// <summary>Many tasks (20, at least <c>FusedEngine.SmallProductTasks</c>): the fused engine computes their small
    /// tower and head layers with the direct kernels, side by side; hybrid towers of two levels, task-specific
    /// layers, dropout, Adam, PCGrad; regression, binary and multiclass tasks with missing labels.</summary>
    [TheoryRequiresAvx2]
    [InlineData(ModelFamily.Hybrid, 0.0, "sgd")]
    [InlineData(ModelFamily.Hybrid, 0.2, "adam")]
    [InlineData(ModelFamily.Hybrid, 0.0, "pcgrad")]
    [InlineData(ModelFamily.TaskSpecific, 0.0, "adam")]
    public void ManyTasks_SmallLayers_BothEnginesTrainTheSameModel(ModelFamily family, double dropout, string optimizer)
    {
        var split = DatasetSplitter.Split(ManyTasks(160, 20, seed: 31), new SplitOptions { TrainFraction = 0.8, ValidationFraction = 0.2, Seed = 2 });
        var definition = MultitaskModelBuilder.FromDataset(split.Train, i => i with { EncoderLayers = family == ModelFamily.Hybrid ? [12] : [] })
            .UseFamily(family, new ArchitectureOptions { TrunkLayers = family == ModelFamily.Hybrid ? [10] : [6], TowerLayers = family == ModelFamily.Hybrid ? [6, 4] : [], Dropout = dropout }).Build();
        TrainOnBothEngines(definition, split, o =>
        {
            o.Optimizer = optimizer == "adam" ? OptimizerKind.Adam : OptimizerKind.Sgd;
            o.LearningRate = optimizer == "adam" ? 0.01 : 0.05;
            o.GradientAggregator = optimizer == "pcgrad" ? new PCGrad(randomOrder: false) : null;
        });
    }

    /// <summary><paramref name="taskCount"/> tasks on 8 random features: task t is a regression (t mod 3 = 0), a
    /// binary (1) or a 3-class (2) function of its own random projection, each with about a fifth of its labels missing.</summary>
    internal static MultitaskDataset ManyTasks(int count, int taskCount, int seed)
    {
        const int features = 8;
        var random = new Random(seed);
        var x = new float[count, features];
        for (var i = 0; i < count; i++)
        {
            for (var j = 0; j < features; j++)
            {
                x[i, j] = (float)((random.NextDouble() * 2) - 1);
            }
        }

        var tasks = new List<TaskDefinition>();
        var labels = new Dictionary<string, LabelColumn>(StringComparer.Ordinal);
        for (var t = 0; t < taskCount; t++)
        {
            var w = Enumerable.Range(0, features).Select(_ => (random.NextDouble() * 2) - 1).ToArray();
            var projection = Enumerable.Range(0, count).Select(i => Enumerable.Range(0, features).Sum(j => x[i, j] * w[j])).ToArray();
            var missing = Enumerable.Range(0, count).Select(_ => random.NextDouble() < 0.2).ToArray();
            var name = $"task-{t:D2}";
            switch (t % 3)
            {
                case 0:
                    tasks.Add(TaskDefinition.Regression(name));
                    labels[name] = LabelColumn.FromValues(projection.Select((v, i) => missing[i] ? (double?)null : v).ToArray());
                    break;
                case 1:
                    tasks.Add(TaskDefinition.Binary(name));
                    labels[name] = LabelColumn.FromClassIndices(projection.Select((v, i) => missing[i] ? (int?)null : v > 0 ? 1 : 0).ToArray());
                    break;
                default:
                    tasks.Add(TaskDefinition.Multiclass(name, 3));
                    labels[name] = LabelColumn.FromClassIndices(projection.Select((v, i) => missing[i] ? (int?)null : v < -0.5 ? 0 : v < 0.5 ? 1 : 2).ToArray());
                    break;
            }
        }

        return new MultitaskDatasetBuilder(tasks).AddSamples("features", x, labels).Build();
    }

    /// <summary>The smooth activations after dense layers (encoder, trunk and towers of a hybrid model), with SGD and
    /// with PCGrad through them.</summary>
    [TheoryRequiresAvx2]
    [InlineData(Activation.Tanh, false)]
    [InlineData(Activation.GELU, false)]
    [InlineData(Activation.SiLU, false)]
    [InlineData(Activation.GELU, true)]
    public void DenseActivations_BothEnginesTrainTheSameModel(Activation activation, bool pcgrad)
    {
        var data = FusedEngineTests.MixedTasks(150, seed: 21);
        var split = DatasetSplitter.Split(data, new SplitOptions { TrainFraction = 0.8, ValidationFraction = 0.2, Seed = 2 });
        var definition = MultitaskModelBuilder.FromDataset(split.Train, i => i with { EncoderLayers = [12] })
            .UseFamily(ModelFamily.Hybrid, new ArchitectureOptions { TrunkLayers = [10], TowerLayers = [6], Activation = activation }).Build();
        TrainOnBothEngines(definition, split, o => o.GradientAggregator = pcgrad ? new PCGrad(randomOrder: false) : null);
    }

    /// <summary>Trains the model on each engine (3 epochs, batch 16, lr 0.05, seed 7, deterministic, then
    /// <paramref name="apply"/>) and requires the same parameters and history.</summary>
    private static void TrainOnBothEngines(MultitaskModelDefinition definition, DatasetSplit split, Action<TrainerOptions> apply)
    {
        TrainerOptions Options(TrainingEngine engine)
        {
            var options = new TrainerOptions { Epochs = 3, BatchSize = 16, LearningRate = 0.05, Seed = 7, Engine = engine }.Deterministic();
            apply(options);
            return options;
        }

        using var fused = new MultitaskTrainer(Options(TrainingEngine.Fused)).Fit(definition, split.Train, split.Validation);
        using var autograd = new MultitaskTrainer(Options(TrainingEngine.Autograd)).Fit(definition, split.Train, split.Validation);
        Assert.Equal(TrainingEngine.Fused, fused.TrainingHistory!.Engine);
        Assert.Equal(TrainingEngine.Autograd, autograd.TrainingHistory!.Engine);
        AssertSameModel(autograd, fused);
    }

    /// <summary>Random samples of the given shape whose labels depend on where the bright values are: a class
    /// (brightest third of the last axis), a binary task (first channel brighter than the mean) and a regression
    /// target (mean of the first half), with a tenth of the regression labels missing.</summary>
    private static MultitaskDataset Images(int count, int[] shape, int seed, bool classOnly = false)
    {
        var random = new Random(seed);
        var size = shape.Aggregate(1, (a, b) => a * b);
        var width = shape[^1];
        var values = new float[count * size];
        var classes = new int?[count];
        var flags = new int?[count];
        var targets = new double?[count];
        for (var i = 0; i < count; i++)
        {
            var sample = values.AsSpan(i * size, size);
            for (var p = 0; p < size; p++)
            {
                sample[p] = (float)random.NextDouble();
            }

            var third = random.Next(3);
            for (var p = 0; p < size; p++)
            {
                if ((p % width) * 3 / width == third)
                {
                    sample[p] += 1;
                }
            }

            classes[i] = third;
            var firstChannel = size / shape[0];
            flags[i] = sample[..firstChannel].ToArray().Average() > sample.ToArray().Average() ? 1 : 0;
            targets[i] = i % 10 == 3 ? null : sample[..(size / 2)].ToArray().Average();
        }

        if (classOnly)
        {
            return new MultitaskDatasetBuilder([TaskDefinition.Multiclass("third", 3)])
                .AddSamples("image", values, shape, new Dictionary<string, LabelColumn> { ["third"] = LabelColumn.FromClassIndices(classes) })
                .Build();
        }

        return new MultitaskDatasetBuilder([TaskDefinition.Multiclass("third", 3), TaskDefinition.Binary("first"), TaskDefinition.Regression("level")])
            .AddSamples("image", values, shape, new Dictionary<string, LabelColumn>
            {
                ["third"] = LabelColumn.FromClassIndices(classes),
                ["first"] = LabelColumn.FromClassIndices(flags),
                ["level"] = LabelColumn.FromValues(targets),
            })
            .Build();
    }

    [TheoryRequiresAvx2] // without AVX2 the refusal names the processor instead
    [MemberData(nameof(RefusedCases))]
    public void RefusedOption_FusedEngineNamesTheReason(string option, string value)
    {
        var (_, apply, named) = Refused[option].Single(c => c.Case == value);
        var data = FusedEngineTests.MixedTasks(60, seed: 5);
        var definition = MultitaskModelBuilder.FromDataset(data).UseFamily(ModelFamily.SharedTrunk, new ArchitectureOptions { TrunkLayers = [8] }).Build();
        var options = new TrainerOptions { Epochs = 1, Engine = TrainingEngine.Fused }.Deterministic();
        apply(options);
        var error = Assert.Throws<ArgumentException>(() => new MultitaskTrainer(options).Fit(definition, data).Dispose());
        Assert.Contains(named, error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Engine is Fused", error.Message, StringComparison.Ordinal);
    }

    [TheoryRequiresAvx2]
    [InlineData("activation")]
    [InlineData("loss")]
    [InlineData("task-specific with convolutional encoders")]
    [InlineData("cross-stitch with pcgrad")]
    [InlineData("experts with pcgrad")]
    public void UnimplementedLayersAndLosses_AreRefusedFromTheNetworksDescription(string change)
    {
        var data = change switch
        {
            "loss" => WithHuberTask(),
            "activation" or "task-specific with convolutional encoders" => Images(60, [1, 8, 8], seed: 5),
            _ => FusedEngineTests.MixedTasks(60, seed: 5),
        };
        var family = change switch
        {
            "task-specific with convolutional encoders" => ModelFamily.TaskSpecific,
            "experts with pcgrad" => ModelFamily.Mmoe,
            "cross-stitch with pcgrad" => ModelFamily.CrossStitch,
            _ => ModelFamily.SharedTrunk,
        };
        // Tanh is implemented after dense layers, not in convolution blocks (their max-pool is taken before the ReLU).
        var definition = MultitaskModelBuilder.FromDataset(data, i => change is "activation" or "task-specific with convolutional encoders" ? i with { Encoder = EncoderKind.Convolutional, ConvolutionChannels = [3] } : i)
            .UseFamily(family, new ArchitectureOptions { TrunkLayers = [8], TowerLayers = [4], Activation = change == "activation" ? Activation.Tanh : Activation.ReLU })
            .Build();
        var options = new TrainerOptions { Epochs = 1, Engine = TrainingEngine.Fused, GradientAggregator = change is "experts with pcgrad" or "cross-stitch with pcgrad" ? new PCGrad() : null }.Deterministic();
        var error = Assert.Throws<ArgumentException>(() => new MultitaskTrainer(options).Fit(definition, data).Dispose());
        var named = change switch
        {
            "activation" => "Tanh",
            "loss" => "Huber",
            "task-specific with convolutional encoders" => "an encoder of its own",
            "cross-stitch with pcgrad" => "with cross-stitch columns",
            _ => "with experts",
        };
        Assert.Contains(named, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    private static MultitaskDataset WithHuberTask()
    {
        var random = new Random(3);
        var x = new float[40, 3];
        var y = new double?[40];
        for (var i = 0; i < 40; i++)
        {
            x[i, 0] = (float)random.NextDouble();
            y[i] = x[i, 0];
        }

        return new MultitaskDatasetBuilder([TaskDefinition.Regression("robust", loss: LossKind.Huber)])
            .AddSamples("features", x, new Dictionary<string, LabelColumn> { ["robust"] = LabelColumn.FromValues(y) })
            .Build();
    }

    private static void AssertSameModel(MultitaskModel expected, MultitaskModel actual)
    {
        var a = actual.Network.named_parameters().ToDictionary(p => p.name, p => p.parameter.data<float>().ToArray());
        foreach (var (name, parameter) in expected.Network.named_parameters())
        {
            var e = parameter.data<float>().ToArray();
            var scale = e.Max(v => Math.Abs(v)) + 1e-3;
            var difference = e.Zip(a[name], (u, v) => Math.Abs(u - v)).Max();
            Assert.True(difference <= 2e-3 * scale, $"{name}: largest difference {difference} (scale {scale})");
        }

        Assert.Equal(expected.TrainingHistory!.Epochs.Count, actual.TrainingHistory!.Epochs.Count);
        for (var e = 0; e < expected.TrainingHistory.Epochs.Count; e++)
        {
            var (x, y) = (expected.TrainingHistory.Epochs[e], actual.TrainingHistory.Epochs[e]);
            Assert.Equal(x.LearningRate, y.LearningRate);
            Assert.Equal(x.Steps, y.Steps);
            Assert.Equal(x.TrainingLoss, y.TrainingLoss, 3);
        }
    }
}
