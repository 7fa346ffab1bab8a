using System.Diagnostics;

namespace MultitaskLearning.Training;

/// <summary>
/// Sends <see cref="TrainerOptions.StepProgress"/> its reports: after the last step of every epoch, and after other
/// steps once <see cref="TrainerOptions.StepProgressInterval"/> has passed since the previous report. The clock only
/// decides when to report; what is reported is what the loop has already summed on the CPU, so training computes the
/// same with and without reports.
/// </summary>
internal sealed class StepProgressReporter
{
    private readonly IProgress<TrainingStepProgress> progress;
    private readonly TimeSpan interval;
    private readonly int epochs;
    private readonly int stepsPerEpoch;
    private readonly Func<TimeSpan> elapsed;
    private long lastReport = Stopwatch.GetTimestamp();

    private StepProgressReporter(IProgress<TrainingStepProgress> progress, TimeSpan interval, int epochs, int stepsPerEpoch, Func<TimeSpan> elapsed)
    {
        this.progress = progress;
        this.interval = interval;
        this.epochs = epochs;
        this.stepsPerEpoch = stepsPerEpoch;
        this.elapsed = elapsed;
    }

    /// <summary>A reporter, or <see langword="null"/> when nobody listens (then the loop does no work for it).</summary>
    /// <param name="options">The run's options.</param>
    /// <param name="stepsPerEpoch">The steps of every epoch.</param>
    /// <param name="elapsed">Time since training started (including time before a resumed checkpoint).</param>
    public static StepProgressReporter? Create(TrainerOptions options, int stepsPerEpoch, Func<TimeSpan> elapsed) =>
        options.StepProgress is { } progress ? new StepProgressReporter(progress, options.StepProgressInterval, options.Epochs, stepsPerEpoch, elapsed) : null;

    /// <summary>Called after each step.</summary>
    /// <param name="epoch">The epoch, from 1.</param>
    /// <param name="step">The steps taken in the epoch, from 1.</param>
    /// <param name="steps">The steps taken in the run.</param>
    /// <param name="lossSum">The sum of the epoch's total losses so far.</param>
    public void StepFinished(int epoch, int step, long steps, double lossSum)
    {
        var now = Stopwatch.GetTimestamp();
        if (step < stepsPerEpoch && Stopwatch.GetElapsedTime(lastReport, now) < interval)
        {
            return;
        }

        lastReport = now;
        progress.Report(new TrainingStepProgress
        {
            Epoch = epoch,
            Epochs = epochs,
            Step = step,
            StepsPerEpoch = stepsPerEpoch,
            Steps = steps,
            PlannedSteps = (long)epochs * stepsPerEpoch,
            TrainingLoss = lossSum / step,
            Elapsed = elapsed(),
        });
    }
}
