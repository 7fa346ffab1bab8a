using System.Globalization;
using MultitaskLearning.Training;
using Spectre.Console;

namespace MultitaskLearning.Samples;

/// <summary>
/// Shows training progress, one model after another. On an interactive terminal each model gets a live progress bar
/// that moves step by step — label, bar, epoch and step, the epoch's running loss, the last epoch's task losses and
/// validation loss, elapsed time and time left — and stays on screen when the model is done. When output is
/// redirected, a plain line every <see cref="PlainEvery"/> epochs (and the first, the last and where early stopping
/// ended the run), so logs stay readable.
/// </summary>
public sealed class ConsoleProgress
{
    /// <summary>Whether the console is an interactive terminal (not redirected).</summary>
    public static bool Interactive => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>In plain mode, print every this many epochs.</summary>
    public int PlainEvery { get; init; } = 10;

    /// <summary>Runs <paramref name="work"/> with a progress reporter labelled <paramref name="label"/>. On an interactive
    /// terminal it sets <see cref="TrainerOptions.StepProgress"/> of <paramref name="options"/> for the duration of the
    /// work (and restores it afterwards), so the bar moves within epochs: train with these options inside the work.</summary>
    /// <typeparam name="T">The work's result.</typeparam>
    /// <param name="label">What is being trained, for example "shared-trunk, split 1".</param>
    /// <param name="options">The options the work trains with.</param>
    /// <param name="work">The work; it receives the per-epoch reporter to hand to the trainer's Fit.</param>
    /// <returns>The work's result.</returns>
    public T Run<T>(string label, TrainerOptions options, Func<IProgress<TrainingProgress>, T> work)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(work);
        if (!Interactive)
        {
            return RunPlain(label, work);
        }

        var bar = new ModelProgressBar(label);
        return AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(bar.Columns)
            .Start(context =>
            {
                bar.Start(context);
                var previous = options.StepProgress;
                options.StepProgress = new SynchronousProgress<TrainingStepProgress>(bar.Report);
                try
                {
                    var result = work(new SynchronousProgress<TrainingProgress>(bar.Report));
                    bar.Finish();
                    return result;
                }
                finally
                {
                    options.StepProgress = previous;
                }
            });
    }

    /// <summary>One line: epoch, training loss, per-task loss summary, validation loss.</summary>
    /// <param name="p">The progress report.</param>
    /// <returns>The line.</returns>
    public static string Describe(TrainingProgress p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var validation = p.ValidationLoss is { } v ? string.Create(CultureInfo.InvariantCulture, $", validation loss {v:F3}") : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"epoch {p.Epoch}/{p.Epochs}, loss {p.TrainingLoss:F3} ({TaskLosses(p)}){validation}{(p.IsBest ? " *" : string.Empty)}");
    }

    /// <summary>The line printed in plain mode: <see cref="Describe"/>, elapsed time and the time left (estimated from
    /// the epochs so far; early stopping may end the run sooner), or that early stopping ended the run.</summary>
    /// <param name="label">What is being trained.</param>
    /// <param name="p">The progress report.</param>
    /// <param name="finished">Whether the run has ended with this report.</param>
    /// <returns>The line, indented by two spaces.</returns>
    public static string PlainLine(string label, TrainingProgress p, bool finished)
    {
        ArgumentNullException.ThrowIfNull(p);
        var time = finished || p.Epoch >= p.Epochs
            ? $"{Duration(p.Elapsed)} elapsed{(p.Epoch < p.Epochs ? ", stopped early" : string.Empty)}"
            : $"{Duration(p.Elapsed)} elapsed, ~{Duration(Remaining(p.Elapsed, p.Epoch, p.Epochs))} left";
        return $"  {label}: {Describe(p)}, {time}";
    }

    /// <summary>The tasks' training losses of an epoch: each task's for up to four tasks, else their mean and the worst.</summary>
    /// <param name="p">The progress report.</param>
    /// <returns>For example "speech 0.301, image 0.523" or "139 tasks: mean 0.412, worst school-7 1.020".</returns>
    public static string TaskLosses(TrainingProgress p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var losses = p.TaskTrainingLosses.Where(kv => !double.IsNaN(kv.Value)).ToArray();
        if (losses.Length <= 4)
        {
            return string.Join(", ", losses.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value:F3}")));
        }

        var worst = losses.MaxBy(kv => kv.Value);
        return string.Create(CultureInfo.InvariantCulture, $"{losses.Length} tasks: mean {losses.Average(kv => kv.Value):F3}, worst {worst.Key} {worst.Value:F3}");
    }

    /// <summary>A duration as m:ss, or h:mm:ss from an hour.</summary>
    /// <param name="time">The duration.</param>
    /// <returns>The text.</returns>
    public static string Duration(TimeSpan time) => time.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)time.TotalHours}:{time.Minutes:00}:{time.Seconds:00}")
        : string.Create(CultureInfo.InvariantCulture, $"{time.Minutes}:{time.Seconds:00}");

    /// <summary>The time left at the pace so far: <paramref name="elapsed"/> for <paramref name="done"/> of
    /// <paramref name="total"/> units.</summary>
    /// <param name="elapsed">The time taken so far.</param>
    /// <param name="done">Units done (steps or epochs).</param>
    /// <param name="total">Units planned.</param>
    /// <returns>The estimate; zero when nothing or everything is done.</returns>
    public static TimeSpan Remaining(TimeSpan elapsed, long done, long total) =>
        done <= 0 || done >= total ? TimeSpan.Zero : elapsed * ((double)(total - done) / done);

    private T RunPlain<T>(string label, Func<IProgress<TrainingProgress>, T> work)
    {
        TrainingProgress? last = null;
        var lastPrinted = false;
        var result = work(new SynchronousProgress<TrainingProgress>(p =>
        {
            last = p;
            lastPrinted = p.Epoch % PlainEvery == 0 || p.Epoch == p.Epochs || p.Epoch == 1;
            if (lastPrinted)
            {
                Console.WriteLine(PlainLine(label, p, finished: p.Epoch == p.Epochs));
            }
        }));
        if (last is not null && !lastPrinted)
        {
            Console.WriteLine(PlainLine(label, last, finished: true)); // early stopping ended the run between printed epochs
        }

        return result;
    }
}
