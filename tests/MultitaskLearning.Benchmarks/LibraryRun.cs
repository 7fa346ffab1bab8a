using MultitaskLearning.Data;
using MultitaskLearning.Models;
using MultitaskLearning.Tasks;
using MultitaskLearning.Training;
using MultitaskLearning.Training.Aggregation;

namespace MultitaskLearning.Benchmarks;

/// <summary>The peer's workload through the library's public API: tasks, a shared-trunk model and the trainer.</summary>
internal static class LibraryRun
{
    /// <summary>The MNIST tasks; convolutional models see each image as 1 × 28 × 28, the others as 784 values.</summary>
    public static MultitaskDataset Dataset(MnistWorkload data, string model = "mlp")
    {
        var tasks = new[] { Digit, Parity };
        int[] shape = TrainWorkload.IsConvolutional(model) ? [1, 28, 28] : [MnistWorkload.Width];
        return new MultitaskDatasetBuilder(tasks)
            .AddSamples("image", data.Pixels, shape, new Dictionary<string, LabelColumn>
            {
                ["digit"] = LabelColumn.FromClassIndices(data.Digits.Select(d => (int?)d).ToArray()),
                ["parity"] = LabelColumn.FromClassIndices(data.Digits.Select(d => (int?)(d % 2)).ToArray()),
            })
            .Build();
    }

    public static TaskDefinition Digit { get; } = TaskDefinition.Multiclass("digit", Enumerable.Range(0, 10).Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());

    public static TaskDefinition Parity { get; } = TaskDefinition.Multiclass("parity", "even", "odd") with { Weight = 0.5 };

    public static MultitaskModelDefinition Definition(MultitaskDataset dataset, WorkloadSize size, string model = "mlp")
    {
        var (family, architecture) = model switch
        {
            "mlp" => (ModelFamily.SharedTrunk, new ArchitectureOptions { TrunkLayers = [size.Hidden1, size.Hidden2] }),
            "cnn" => (ModelFamily.SharedTrunk, new ArchitectureOptions { TrunkLayers = [128] }),
            "cnn-hybrid" => (ModelFamily.Hybrid, new ArchitectureOptions { TrunkLayers = [128], TowerLayers = [64] }),
            "mmoe" => (ModelFamily.Mmoe, new ArchitectureOptions { TrunkLayers = [256, 128], Experts = 4, TowerLayers = [64] }),
            _ => throw new ArgumentException($"Unknown model '{model}'; use mlp, cnn, cnn-hybrid or mmoe."),
        };
        var encoder = TrainWorkload.IsConvolutional(model) ? EncoderKind.Convolutional : EncoderKind.Dense;
        return MultitaskModelBuilder.FromDataset(dataset, input => input with { Standardize = false, Encoder = encoder })
            .UseFamily(family, architecture)
            .Build();
    }

    public static TrainerOptions Options(WorkloadSize size, int threads, int epochs, GradientAggregator? aggregator = null, AggregationSpace space = AggregationSpace.SharedParameters, TrainingEngine engine = TrainingEngine.Automatic, int seed = 0, string optimizer = "sgd", int? batchSize = null) => new()
    {
        Epochs = epochs,
        BatchSize = batchSize ?? size.BatchSize,
        Optimizer = optimizer switch
        {
            "sgd" => OptimizerKind.Sgd,
            "adam" => OptimizerKind.Adam,
            _ => throw new ArgumentException($"Unknown optimiser '{optimizer}'; use sgd or adam."),
        },
        LearningRate = optimizer == "adam" ? 1e-3 : 0.05,
        Momentum = 0.9,
        GradientClipNorm = null,
        Shuffle = false,
        DropLastPartialBatch = true,
        Threads = threads > 0 ? threads : null,
        GradientAggregator = aggregator,
        AggregationSpace = space,
        Engine = engine,
        Seed = seed,
    };

    /// <summary>Trains and evaluates; returns the peer's JSON fields.</summary>
    public static RunResult Train(MultitaskDataset dataset, WorkloadSize size, string grad, int threads, int epochs = 3, TrainingEngine engine = TrainingEngine.Automatic, int seed = 0, string model = "mlp", string optimizer = "sgd")
    {
        var aggregator = grad switch
        {
            "plain" => null,
            "pcgrad" => (GradientAggregator)new PCGrad(randomOrder: false),
            "mgda" or "mgda-rep" => new Mgda(),
            _ => throw new ArgumentException($"Unknown gradient mode '{grad}'."),
        };
        var space = grad == "mgda-rep" ? AggregationSpace.SharedRepresentation : AggregationSpace.SharedParameters;
        var definition = Definition(dataset, size, model);
        var batch = TrainWorkload.BatchSizeFor(model, size);
        var trainer = new MultitaskTrainer(Options(size, threads, epochs, aggregator, space, engine, seed, optimizer, batch));
        // Timed like the peer: the training loop only (TrainingProgress.Elapsed starts after data and model are prepared).
        var epochEnds = new List<double>();
        using var trained = trainer.Fit(definition, dataset, progress: new SynchronousProgress<TrainingProgress>(p => epochEnds.Add(p.Elapsed.TotalSeconds)));
        var trainSeconds = epochEnds[^1];
        var steps = dataset.Count / batch * epochs;
        var report = trained.Evaluate(dataset);
        return new RunResult(
            "library", size.Name, grad, threads, steps, trainSeconds, steps / trainSeconds,
            epochs >= 2 ? dataset.Count / batch * (epochs - 1) / (epochEnds[^1] - epochEnds[0]) : double.NaN,
            report.Tasks["digit"].Metrics[MetricKind.Accuracy], report.Tasks["parity"].Metrics[MetricKind.Accuracy]);
    }
}
