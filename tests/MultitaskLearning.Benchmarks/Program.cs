// Benchmarks of MultitaskLearning: the PyTorch peer comparison, per-task gradient cost, flat memory, data pipeline,
// the L2,1 solver, a busy machine, the served model under load, and BenchmarkDotNet micro-benchmarks. Run with -c Release; see the README.
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using BenchmarkDotNet.Running;
using MultitaskLearning.Benchmarks;
using MultitaskLearning.Training;

var repeats = new Option<int>("--repeats") { Description = "Timed runs (the median is reported).", DefaultValueFactory = _ => 5 };
var seed = new Option<int>("--seed") { Description = "Seed of the generated problem.", DefaultValueFactory = _ => 0 };
var export = new Option<string?>("--export") { Description = "Also write X and Y (float64, row-major) to this folder for peers/sklearn_l21.py." };
var python = new Option<string>("--python") { Description = "The Python interpreter with PyTorch (Debian's python3-torch).", DefaultValueFactory = _ => "/usr/bin/python3" };
var cores = new Option<int[]>("--cores") { Description = "Core counts to compare.", DefaultValueFactory = _ => [1, 2], AllowMultipleArgumentsPerToken = true };

var withPeer = new Option<bool>("--with-peer") { Description = "Also run scikit-learn's MultiTaskLasso on the same data (seed 0)." };
var l21 = new Command("l21", "Shared-design L2,1 (MultiTaskLasso) problem: n=5000, d=200, T=20; compare with scikit-learn.") { repeats, seed, export, python, withPeer };
l21.SetAction(parse => parse.GetValue(withPeer)
    ? L21Benchmark.RunWithPeer(parse.GetValue(repeats), parse.GetValue(python)!)
    : L21Benchmark.Run(parse.GetValue(repeats), parse.GetValue(seed), parse.GetValue(export)));

var workloads = new Option<string[]>("--workloads")
{
    Description = "Workloads to compare (default: all): " + string.Join(", ", TrainWorkload.All.Select(w => w.Name.Replace(' ', '-'))) + ".",
    AllowMultipleArgumentsPerToken = true,
};
var train = new Command("train", "Training steps/s against the PyTorch peer and a bare TorchSharp loop (MNIST data: dense trunks with SGD, PCGrad and Adam; CNN, hybrid CNN and MMoE with Adam).") { repeats, python, cores, workloads };
train.SetAction(parse =>
{
    var names = parse.GetValue(workloads);
    var chosen = names is { Length: > 0 } ? names.Select(TrainWorkload.Parse).ToArray() : TrainWorkload.All;
    return TrainComparison.Run(parse.GetValue(repeats), parse.GetValue(cores)!, parse.GetValue(python)!, chosen, Console.Out);
});

var aggregation = new Command("aggregation", "Cost of per-task gradients: PCGrad and MGDA (parameter and representation gradients) against plain training.") { repeats };
aggregation.SetAction(parse => AggregationBenchmark.Run(parse.GetValue(repeats), Console.Out));

var memoryEpochs = new Option<int>("--epochs") { Description = "Epochs to train.", DefaultValueFactory = _ => MemoryBenchmark.DefaultEpochs };
var memory = new Command("memory", "RSS and live tensors over 100 epochs of the small workload.") { memoryEpochs };
memory.SetAction(parse => MemoryBenchmark.Run(Console.Out, parse.GetValue(memoryEpochs)));

var pipeline = new Command("pipeline", "Files/s of WAV → log-mel and image → tensor, cold and warm, 1 and 2 threads.");
pipeline.SetAction(_ => PipelineBenchmark.Run(Console.Out));

var profilePart = new Option<string>("--part") { Description = "dense (the MLP steps), cnn (the pieces of a convolutional step) or all.", DefaultValueFactory = _ => "all" };
profilePart.AcceptOnlyFromAmong("dense", "cnn", "all");
var profile = new Command("profile", "Where a step's time goes: products, packing and the rest, against libtorch's products.") { profilePart };
profile.SetAction(parse =>
{
    var part = parse.GetValue(profilePart)!;
    var result = part == "cnn" ? 0 : ProfileBenchmark.Run(Console.Out);
    if (part != "dense")
    {
        ConvolutionProfile.Run(Console.Out, PeakFlops.Measure(1));
    }

    return result;
});

var scaleTasks = new Option<int[]>("--tasks") { Description = "Task counts T (rows and width: the first of --samples and --widths).", DefaultValueFactory = _ => [2, 10, 100, 1000, 10000], AllowMultipleArgumentsPerToken = true };
var scaleSampleCounts = new Option<int[]>("--samples") { Description = "Rows of the shared input; with several, a second table against the rows (T = 10).", DefaultValueFactory = _ => [10_000, 100_000, 1_000_000, 10_000_000], AllowMultipleArgumentsPerToken = true };
var scaleWidths = new Option<int[]>("--widths") { Description = "Features per row; with several, a third table against the width (T = 10).", DefaultValueFactory = _ => [32, 128, 512, 2048], AllowMultipleArgumentsPerToken = true };
var scaleSamples = new Option<int>("--samples") { Description = "Rows of the shared input.", DefaultValueFactory = _ => 10_000 };
var scaleWidth = new Option<int>("--width") { Description = "Features per row.", DefaultValueFactory = _ => 32 };
var scaleFamilies = new Option<string[]>("--families") { Description = "shared-trunk, hybrid, task-specific.", DefaultValueFactory = _ => ["shared-trunk", "hybrid", "task-specific"], AllowMultipleArgumentsPerToken = true };
var scaleLabels = new Option<string[]>("--labels") { Description = "shared (every row labelled for every task), per-task (each row for one task).", DefaultValueFactory = _ => ["shared", "per-task"], AllowMultipleArgumentsPerToken = true };
var scale = new Command("scale", "Time per epoch and peak memory against the number of tasks, the rows and the input width, with the fitted growth exponents.") { scaleTasks, scaleSampleCounts, scaleWidths, scaleFamilies, scaleLabels };
scale.SetAction(parse => ScaleBenchmark.Run(Console.Out, parse.GetValue(scaleTasks)!, parse.GetValue(scaleSampleCounts)!, parse.GetValue(scaleWidths)!, parse.GetValue(scaleFamilies)!, parse.GetValue(scaleLabels)!));

var oocBudget = new Option<long>("--budget-mb") { Description = "The store's memory budget in MB.", DefaultValueFactory = _ => 256 };
var oocFactor = new Option<double>("--factor") { Description = "The store's size on disk as a multiple of the budget.", DefaultValueFactory = _ => 10 };
var oocWidth = new Option<int>("--width") { Description = "Features per row.", DefaultValueFactory = _ => 128 };
var oocTasks = new Option<int>("--tasks") { Description = "Tasks (half regression, half binary).", DefaultValueFactory = _ => 4 };
var oocShardRows = new Option<int>("--rows-per-shard") { Description = "Rows per shard file.", DefaultValueFactory = _ => 16384 };
var oocEpochs = new Option<int>("--epochs") { Description = "Epochs per run (the first is not timed).", DefaultValueFactory = _ => 3 };
var oocThreads = new Option<int>("--threads") { Description = "Training threads (the next window is read on another).", DefaultValueFactory = _ => 1 };
var oocStore = new Option<string?>("--store") { Description = "Use this existing store instead of writing one." };
var oocKeep = new Option<bool>("--keep") { Description = "Keep the store that was written (in the temp folder)." };
var outOfCore = new Command("out-of-core", "Training on a shard store ten times its memory budget: peak RSS against budget + runtime and model, warm epochs against the same data in memory.") { oocBudget, oocFactor, oocWidth, oocTasks, oocShardRows, oocEpochs, oocThreads, oocStore, oocKeep };
outOfCore.SetAction(parse => OutOfCoreBenchmark.Run(Console.Out, parse.GetValue(oocBudget), parse.GetValue(oocFactor), parse.GetValue(oocWidth), parse.GetValue(oocTasks), parse.GetValue(oocShardRows), parse.GetValue(oocEpochs), parse.GetValue(oocThreads), parse.GetValue(oocStore), parse.GetValue(oocKeep)));

var busyRepeats = new Option<int>("--repeats") { Description = "Timed runs (the median is reported).", DefaultValueFactory = _ => 3 };
var busy = new Command("busy", "Training with one core taken by another process, per engine and thread count.") { busyRepeats };
busy.SetAction(parse => BusyMachineBenchmark.Run(parse.GetValue(busyRepeats), Console.Out));

var servingModel = new Option<string?>("--model") { Description = "A .mtl model to serve (e.g. the demo's seed-model.mtl); default: a small tabular model trained on the fly." };
var servingInput = new Option<string?>("--input") { Description = "The input to send samples to (default: the model's first input)." };
var servingRequests = new Option<int>("--requests") { Description = "Requests over the client levels (1, 8, 64 and 64 again), split evenly.", DefaultValueFactory = _ => 100_000 };
var servingSeconds = new Option<int>("--seconds") { Description = "Time cap of each level, in seconds.", DefaultValueFactory = _ => 120 };
var serving = new Command("serving", "samples/Serving under load on a loopback port: requests/s, p50/p99 latency, errors and memory at 1, 8 and 64 clients, library and ONNX back ends.") { servingModel, servingInput, servingRequests, servingSeconds };
serving.SetAction(parse => ServingBenchmark.Run(Console.Out, parse.GetValue(servingModel), parse.GetValue(servingInput), parse.GetValue(servingRequests), parse.GetValue(servingSeconds)));

var micro = new Command("micro", "BenchmarkDotNet micro-benchmarks of the fused engine's kernels against libtorch.");
micro.SetAction(_ =>
{
    BenchmarkRunner.Run<KernelBenchmarks>();
    return 0;
});

var all = new Command("all", "train, profile, aggregation, memory, pipeline, l21 and busy, one table after another.") { repeats, python };
all.SetAction(parse =>
{
    var n = parse.GetValue(repeats);
    Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}, AVX-512 kernels: {MultitaskLearning.Kernels.Sgemm.UsesAvx512}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.");
    Console.WriteLine();
    TrainComparison.Run(n, [1, 2], parse.GetValue(python)!, TrainWorkload.All, Console.Out);
    Console.WriteLine();
    ProfileBenchmark.Run(Console.Out);
    Console.WriteLine();
    ConvolutionProfile.Run(Console.Out, PeakFlops.Measure(1));
    AggregationBenchmark.Run(n, Console.Out);
    Console.WriteLine();
    MemoryBenchmark.Run(Console.Out);
    Console.WriteLine();
    PipelineBenchmark.Run(Console.Out);
    Console.WriteLine();
    L21Benchmark.RunWithPeer(n, parse.GetValue(python)!);
    Console.WriteLine();
    BusyMachineBenchmark.Run(3, Console.Out);
    return 0;
});

// Helpers that the commands above run in child processes.
var implementation = new Option<string>("--implementation") { DefaultValueFactory = _ => "library" };
var size = new Option<string>("--size") { DefaultValueFactory = _ => "big" };
var grad = new Option<string>("--grad") { DefaultValueFactory = _ => "plain" };
var threads = new Option<int>("--threads") { DefaultValueFactory = _ => 1 };
var epochs = new Option<int>("--epochs") { DefaultValueFactory = _ => 3 };
var engine = new Option<string>("--engine") { DefaultValueFactory = _ => "automatic" };
var json = new Option<bool>("--json");
var model = new Option<string>("--model") { Description = "mlp (the dense trunk of --size), cnn, cnn-hybrid or mmoe.", DefaultValueFactory = _ => "mlp" };
var optimizer = new Option<string>("--optimizer") { Description = "sgd (lr 0.05, momentum 0.9) or adam (lr 1e-3).", DefaultValueFactory = _ => "sgd" };
var runSeed = new Option<int>("--seed") { Description = "Seed of the data order and the initial weights (as the peer's --seed).", DefaultValueFactory = _ => 0 };
var once = new Command("train-once", "One training run of the peer workload (library or bare TorchSharp).") { implementation, size, grad, threads, epochs, engine, json, runSeed, model, optimizer };
once.SetAction(parse =>
{
    var data = MnistWorkload.Load(parse.GetValue(runSeed));
    var workload = WorkloadSize.Parse(parse.GetValue(size)!);
    var modelName = parse.GetValue(model)!;
    var result = parse.GetValue(implementation) switch
    {
        "library" => LibraryRun.Train(LibraryRun.Dataset(data, modelName), workload, parse.GetValue(grad)!, parse.GetValue(threads), parse.GetValue(epochs), Enum.Parse<TrainingEngine>(parse.GetValue(engine)!, ignoreCase: true), parse.GetValue(runSeed), modelName, parse.GetValue(optimizer)!),
        "torchsharp" => BareTorchSharpLoop.Train(data, workload, parse.GetValue(grad)!, parse.GetValue(threads), parse.GetValue(epochs), parse.GetValue(runSeed), modelName, parse.GetValue(optimizer)!),
        var other => throw new ArgumentException($"--implementation must be library or torchsharp; got '{other}'."),
    };
    Console.WriteLine(parse.GetValue(json) ? JsonSerializer.Serialize(result, ResultJson.Options) : result.ToString());
    return 0;
});
var memoryOnce = new Command("memory-once", "One memory trace (JSON).") { engine, memoryEpochs };
memoryOnce.SetAction(parse => MemoryBenchmark.RunOnce(parse.GetValue(engine)!, parse.GetValue(memoryEpochs)));
var servingOnceModel = new Option<string>("--model") { Required = true };
var servingOnce = new Command("serving-once", "One back end of the serving benchmark in this process (JSON).") { servingOnceModel, servingInput, servingRequests, servingSeconds };
servingOnce.SetAction(parse => ServingBenchmark.RunOnce(parse.GetValue(servingOnceModel)!, parse.GetValue(servingInput), parse.GetValue(servingRequests), parse.GetValue(servingSeconds)));
var scaleFamily = new Option<string>("--family") { DefaultValueFactory = _ => "shared-trunk" };
var scaleLabel = new Option<string>("--labels") { DefaultValueFactory = _ => "shared" };
var scaleTaskCount = new Option<int>("--tasks") { DefaultValueFactory = _ => 10 };
var scaleOnce = new Command("scale-once", "One run of the scale benchmark in this process (JSON).") { scaleFamily, scaleLabel, scaleTaskCount, scaleSamples, scaleWidth };
scaleOnce.SetAction(parse => ScaleBenchmark.RunOnce(parse.GetValue(scaleFamily)!, parse.GetValue(scaleLabel)!, parse.GetValue(scaleTaskCount), parse.GetValue(scaleSamples), parse.GetValue(scaleWidth)));
var oocMode = new Option<string>("--mode") { Required = true };
var oocOnceStore = new Option<string>("--store") { Required = true };
var outOfCoreOnce = new Command("out-of-core-once", "One run of the out-of-core benchmark in this process (JSON).") { oocMode, oocOnceStore, oocBudget, oocEpochs, oocThreads };
outOfCoreOnce.SetAction(parse => OutOfCoreBenchmark.RunOnce(parse.GetValue(oocMode)!, parse.GetValue(oocOnceStore)!, parse.GetValue(oocBudget), parse.GetValue(oocEpochs), parse.GetValue(oocThreads)));
var spin = new Command("spin", "Spins on one core (the busy benchmark's competitor).");
spin.SetAction(_ => BusyMachineBenchmark.Spin());

var root = new RootCommand("MultitaskLearning benchmarks. Run with -c Release.") { all, train, profile, aggregation, memory, pipeline, l21, busy, serving, scale, outOfCore, micro, once, memoryOnce, servingOnce, scaleOnce, outOfCoreOnce, spin };
return root.Parse(args).Invoke();
