using System.CommandLine;
using MultitaskLearning.Benchmarks;

var repeats = new Option<int>("--repeats") { Description = "Timed runs (the median is reported).", DefaultValueFactory = _ => 5 };
var seed = new Option<int>("--seed") { Description = "Seed of the generated problem.", DefaultValueFactory = _ => 0 };
var export = new Option<string?>("--export") { Description = "Also write X and Y (float64, row-major) to this folder for peers/sklearn_l21.py." };
var l21 = new Command("l21", "Shared-design L2,1 (MultiTaskLasso) problem: n=5000, d=200, T=20; compare with scikit-learn.") { repeats, seed, export };
l21.SetAction(parse => L21Benchmark.Run(parse.GetValue(repeats), parse.GetValue(seed), parse.GetValue(export)));
var size = new Option<string>("--size") { DefaultValueFactory = _ => "big" };
var grad = new Option<string>("--grad") { DefaultValueFactory = _ => "plain" };
var threadsOption = new Option<int>("--threads") { DefaultValueFactory = _ => 1 };
var engineOption = new Option<string>("--engine") { DefaultValueFactory = _ => "automatic" };
var once = new Command("train-once", "One library training run of the peer workload; prints the result.") { size, grad, threadsOption, engineOption };
once.SetAction(parse =>
{
    var data = MultitaskLearning.Benchmarks.MnistWorkload.Load();
    var dataset = MultitaskLearning.Benchmarks.LibraryRun.Dataset(data);
    var engine = Enum.Parse<MultitaskLearning.Training.TrainingEngine>(parse.GetValue(engineOption)!, ignoreCase: true);
    Console.WriteLine(MultitaskLearning.Benchmarks.LibraryRun.Train(dataset, MultitaskLearning.Benchmarks.WorkloadSize.Parse(parse.GetValue(size)!), parse.GetValue(grad)!, parse.GetValue(threadsOption), engine: engine));
});
var root = new RootCommand("MultitaskLearning benchmarks. Run with -c Release.") { l21, once };
return root.Parse(args).Invoke();
