using System.CommandLine;
using MultitaskLearning.Benchmarks;

var repeats = new Option<int>("--repeats") { Description = "Timed runs (the median is reported).", DefaultValueFactory = _ => 5 };
var seed = new Option<int>("--seed") { Description = "Seed of the generated problem.", DefaultValueFactory = _ => 0 };
var export = new Option<string?>("--export") { Description = "Also write X and Y (float64, row-major) to this folder for peers/sklearn_l21.py." };
var l21 = new Command("l21", "Shared-design L2,1 (MultiTaskLasso) problem: n=5000, d=200, T=20; compare with scikit-learn.") { repeats, seed, export };
l21.SetAction(parse => L21Benchmark.Run(parse.GetValue(repeats), parse.GetValue(seed), parse.GetValue(export)));
var root = new RootCommand("MultitaskLearning benchmarks. Run with -c Release.") { l21 };
return root.Parse(args).Invoke();
