using System.CommandLine;
using MultitaskLearning.Samples;
using MultitaskLearning.Samples.SeedExample;

// The specification's worked example made real: speech (你好 / 我好 / 请问 / 谢谢 → hello / i am / please / thank) and
// images (cat / dog / bird / fish) trained together in one model.
SampleConsole.Configure();
// Bit-identical results from run to run on this machine (with --threads); see the README's "Reproducibility".
MultitaskLearning.Runtime.TorchBackend.UseReproducibleMath();
var epochsOption = new Option<int>("--epochs") { Description = "Maximum epochs per model.", DefaultValueFactory = _ => 12 };
var seedOption = new Option<int>("--seed") { Description = "Seed of initialisation and shuffling.", DefaultValueFactory = _ => 0 };
var modelOption = new Option<string>("--model") { Description = "Where the trained shared-trunk model is saved (and loaded back from).", DefaultValueFactory = _ => "seed-model.mtl" };
var predictOption = new Option<string[]>("--predict") { Description = "WAV or image files to classify with the saved model.", AllowMultipleArgumentsPerToken = true };
var jsonOption = new Option<string?>("--json") { Description = "Also write the results as JSON to this file." };
var threadsOption = new Option<int?>("--threads") { Description = "Training threads (TrainerOptions.Threads); default: the processor count, fixed, so the numbers repeat on this machine, busy or idle. 0 lets the trainer's contention guard drop to one thread while another process holds a core (faster on a busy machine; the last bits can change).", DefaultValueFactory = _ => Environment.ProcessorCount };
var reportOption = new Option<string?>("--report") { Description = "Also write a training report (PNG charts and a self-contained index.html) into this folder." };
var dataOption = new Option<string>("--data") { Description = "The seed data folder (speech/ and images/ with manifests).", DefaultValueFactory = _ => Path.Combine(AppContext.BaseDirectory, "data", "seed") };
var root = new RootCommand("Speech and image recognition trained together: three model families, held-out voices and font, save, load and predict.")
{
    epochsOption, seedOption, modelOption, predictOption, jsonOption, reportOption, dataOption, threadsOption,
};
root.SetAction(parse => SeedExperiment.Run(
    parse.GetValue(dataOption)!, parse.GetValue(epochsOption), parse.GetValue(seedOption), parse.GetValue(modelOption)!, parse.GetValue(predictOption) ?? [], parse.GetValue(jsonOption), parse.GetValue(reportOption), parse.GetValue(threadsOption) is > 0 and var threads ? threads : null));

var outputOption = new Option<string>("--output") { Description = "The folder to write.", DefaultValueFactory = _ => Path.Combine("samples", "data", "seed") };
var generate = new Command("generate-data", "Regenerate the data with espeak-ng and fonts (see generate-data.sh).") { outputOption };
generate.SetAction(parse => SeedDataGenerator.Run(parse.GetValue(outputOption)!));
root.Subcommands.Add(generate);
return root.Parse(args).Invoke();
