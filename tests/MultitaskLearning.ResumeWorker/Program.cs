// Trains one of the kill-and-resume configurations with one thread and writes the final parameters and per-epoch
// losses. Usage: MultitaskLearning.ResumeWorker CONFIG CHECKPOINT_DIR OUTPUT_FILE [--resume]
// It prints "epoch N" after every epoch, so a parent process can kill it in the middle of the next one.
using Microsoft.Extensions.Logging;
using MultitaskLearning;
using MultitaskLearning.Models;
using MultitaskLearning.ResumeWorker;
using MultitaskLearning.Training;

if (args.Length < 3)
{
    Console.Error.WriteLine("usage: MultitaskLearning.ResumeWorker CONFIG CHECKPOINT_DIR OUTPUT_FILE [--resume]");
    return 2;
}

MultitaskLearning.Runtime.TorchBackend.UseReproducibleMath();
var configuration = ResumeConfigurations.Get(args[0]);
var resume = args.Contains("--resume");
using var loggers = LoggerFactory.Create(builder => builder.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
var data = ResumeConfigurations.Data(configuration);
var options = configuration.Options();
options.Threads = 1;
options.Checkpoints = new CheckpointOptions(args[1]) { EveryEpochs = 1, Keep = 2 };
options.ResumeFrom = resume ? args[1] : null;
options.Logger = loggers.CreateLogger("trainer");
var definition = MultitaskModelBuilder.FromDataset(data.Train).UseFamily(configuration.Family, configuration.Architecture).Build();
var progress = new Progress(report => Console.WriteLine($"epoch {report.Epoch}"));
using var model = new MultitaskTrainer(options).Fit(definition, data.Train, data.Validation, progress);
ResumeConfigurations.WriteResult(model, args[2]);
Console.WriteLine($"done {model.TrainingHistory!.Engine} resumed-from={model.TrainingHistory.ResumedFrom ?? "-"}");
return 0;

/// <summary>Prints synchronously (Progress{T} would post to the thread pool and could print after a kill).</summary>
internal sealed class Progress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value) => report(value);
}
