using System.CommandLine;
using MultitaskLearning.Samples;
using MultitaskLearning.Samples.SeedExample;

// The specification's worked example made real: speech (你好 / 我好 / 请问 / 谢谢 → hello / i am / please / thank) and
// images (猫 / 狗 / 鸟 / 鱼 and animal emoji → cat / dog / bird / fish) trained together in one model.
SampleConsole.Configure();
// Bit-identical results from run to run on this machine (with --threads); see the README's "Reproducibility".
MultitaskLearning.Runtime.TorchBackend.UseReproducibleMath();
var epochsOption = new Option<int>("--epochs") { Description = "Maximum epochs per model.", DefaultValueFactory = _ => 12 };
var seedsOption = new Option<int[]>("--seeds") { Description = "Seeds of initialisation, augmentation and shuffling; every family trains once per seed and the table shows mean ± standard deviation (the README's three-seed table: --seeds 0 1 2).", DefaultValueFactory = _ => [0], AllowMultipleArgumentsPerToken = true };
var modelOption = new Option<string>("--model") { Description = "Where the first seed's shared-trunk model is saved (and loaded back from).", DefaultValueFactory = _ => "seed-model.mtl" };
var predictOption = new Option<string[]>("--predict") { Description = "WAV or image files to classify with the saved model.", AllowMultipleArgumentsPerToken = true };
var jsonOption = new Option<string?>("--json") { Description = "Also write the results (every seed, family and task, and Δm) as JSON to this file." };
var threadsOption = new Option<int?>("--threads") { Description = "Training threads (TrainerOptions.Threads); default: the processor count, fixed, so the numbers repeat on this machine, busy or idle. 0 lets the trainer's contention guard drop to one thread while another process holds a core (faster on a busy machine; the last bits can change).", DefaultValueFactory = _ => Environment.ProcessorCount };
var reportOption = new Option<string?>("--report") { Description = "Also write a training report of the first seed (PNG charts and a self-contained index.html) into this folder." };
var dataOption = new Option<string>("--data") { Description = "The seed data folder (speech/ and images/ with manifests, and split.json).", DefaultValueFactory = _ => Path.Combine(AppContext.BaseDirectory, "data", "seed") };
var root = new RootCommand("Speech and image recognition trained together: six model families, held-out voices, noise and fonts, save, load and predict.")
{
    epochsOption, seedsOption, modelOption, predictOption, jsonOption, reportOption, dataOption, threadsOption,
};
root.SetAction(parse =>
{
    var seeds = parse.GetValue(seedsOption) ?? [];
    var epochs = parse.GetValue(epochsOption);
    if (seeds.Length == 0 || seeds.Distinct().Count() != seeds.Length || epochs < 1)
    {
        Console.Error.WriteLine(epochs < 1 ? $"--epochs must be at least 1, not {epochs}." : $"--seeds needs one or more distinct seeds, not '{string.Join(' ', seeds)}'.");
        return 2;
    }

    return SeedExperiment.Run(new SeedRunOptions(
        parse.GetValue(dataOption)!, epochs, seeds, parse.GetValue(modelOption)!, parse.GetValue(predictOption) ?? [],
        parse.GetValue(jsonOption), parse.GetValue(reportOption), parse.GetValue(threadsOption) is > 0 and var threads ? threads : null));
});

var outputOption = new Option<string>("--output") { Description = "The folder to write.", DefaultValueFactory = _ => Path.Combine("samples", "data", "seed") };
var assetsOption = new Option<string>("--assets") { Description = "The folder generate-data.sh extracts Twemoji Mozilla, EmojiOne's pictures, Font Awesome's icons and Open Clip Art's animals into.", Required = true };
var onlyOption = new Option<string?>("--only") { Description = "Regenerate only 'speech' or only 'images'." };
onlyOption.AcceptOnlyFromAmong("speech", "images");
var generate = new Command("generate-data", "Regenerate the data with espeak-ng and fonts (see generate-data.sh).") { outputOption, assetsOption, onlyOption };
generate.SetAction(parse => SeedDataGenerator.Run(parse.GetValue(outputOption)!, parse.GetValue(assetsOption)!, parse.GetValue(onlyOption)));
root.Subcommands.Add(generate);
return root.Parse(args).Invoke();
