using MultitaskLearning.Data;
using MultitaskLearning.Models;
using MultitaskLearning.Tasks;
using MultitaskLearning.Training;
using MultitaskLearning.Training.Aggregation;

namespace MultitaskLearning.Benchmarks;

/// <summary>The peer's workload through the library's public API: tasks, a shared-trunk model and the trainer.</summary>
internal static class LibraryRun
{
    public static MultitaskDataset Dataset(MnistWorkload data)
    {
        var tasks = new[] { Digit, Parity };
        return new MultitaskDatasetBuilder(tasks)
            .AddSamples("image", data.Pixels, [MnistWorkload.Width], new Dictionary<string, LabelColumn>
            {
                ["digit"] = LabelColumn.FromClassIndices(data.Digits.Select(d => (int?)d).ToArray()),
                ["parity"] = LabelColumn.FromClassIndices(data.Digits.Select(d => (int?)(d % 2)).ToArray()),
            })
            .Build();
    }

    public static TaskDefinition Digit { get; } = TaskDefinition.Multiclass("digit", Enumerable.Range(0, 10).Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());

    public static TaskDefinition Parity { get; } = TaskDefinition.Multiclass("parity", "even", "odd") with { Weight = 0.5 };

    public static MultitaskModelDefinition Definition(MultitaskDataset dataset, WorkloadSize size) =>
        MultitaskModelBuilder.FromDataset(dataset, input => input with { Standardize = false })
            .UseFamily(ModelFamily.SharedTrunk, new ArchitectureOptions { TrunkLayers = [size.Hidden1, size.Hidden2] })
            .Build();

    public static TrainerOptions Options(WorkloadSize size, int threads, int epochs, GradientAggregator? aggregator = null, AggregationSpace space = AggregationSpace.SharedParameters, TrainingEngine engine = TrainingEngine.Automatic, int seed = 0) => new()
    {
        Epochs = epochs,
        BatchSize = size.BatchSize,
        LearningRate = 0.05,
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
    public static RunResult Train(MultitaskDataset dataset, WorkloadSize size, string grad, int threads, int epochs = 3, TrainingEngine engine = TrainingEngine.Automatic, int seed = 0)
    {
        var aggregator = grad switch
        {
            "plain" => null,
            "pcgrad" => (GradientAggregator)new PCGrad(randomOrder: false),
            "mgda" or "mgda-rep" => new Mgda(),
            _ => throw new ArgumentException($"Unknown gradient mode '{grad}'."),
        };
        var space = grad == "mgda-rep" ? AggregationSpace.SharedRepresentation : AggregationSpace.SharedParameters;
        var definition = Definition(dataset, size);
        var trainer = new MultitaskTrainer(Options(size, threads, epochs, aggregator, space, engine, seed));
        // Timed like the peer: the training loop only (TrainingProgress.Elapsed starts after data and model are prepared).
        var epochEnds = new List<double>();
        using var model = trainer.Fit(definition, dataset, progress: new SynchronousProgress<TrainingProgress>(p => epochEnds.Add(p.Elapsed.TotalSeconds)));
        var trainSeconds = epochEnds[^1];
        var steps = dataset.Count / size.BatchSize * epochs;
        var report = model.Evaluate(dataset);
        return new RunResult(
            "library", size.Name, grad, threads, steps, trainSeconds, steps / trainSeconds,
            epochs >= 2 ? dataset.Count / size.BatchSize * (epochs - 1) / (epochEnds[^1] - epochEnds[0]) : double.NaN,
            report.Tasks["digit"].Metrics[MetricKind.Accuracy], report.Tasks["parity"].Metrics[MetricKind.Accuracy]);
    }
}
