using System.Diagnostics;
using System.Globalization;
using MultitaskLearning.Training;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace MultitaskLearning.Samples;

/// <summary>
/// The live bar of one model in <see cref="ConsoleProgress"/>: label, bar, percentage, where training is (epoch, step,
/// the epoch's running loss), the last epoch's task losses and validation loss, elapsed time and time left. The trainer
/// reports on the training thread; Spectre.Console renders on its own thread from the latest reports.
/// </summary>
internal sealed class ModelProgressBar
{
    private const int PercentageWidth = 4;

    /// <summary>The time column is padded to this width, so that the details start in the same place on every line.</summary>
    private const int TimeWidth = 18;

    /// <summary>Labels are padded to at least this width, so that the bars of successive models line up.</summary>
    private const int MinimumLabelWidth = 22;

    private readonly string label;
    private readonly int barWidth = Math.Clamp((AnsiConsole.Profile.Width - 80) / 3, 10, 24); // narrower on narrow terminals
    private readonly Stopwatch clock = new();
    private ProgressTask? task;
    private volatile TrainingStepProgress? step;
    private volatile TrainingProgress? epoch;
    private volatile TrainingProgress? best;
    private volatile bool finished;

    public ModelProgressBar(string label)
    {
        this.label = label.PadRight(MinimumLabelWidth);
        Columns =
        [
            new RenderColumn(_ => new Text(this.label, new Style(decoration: Decoration.Bold))),
            new ProgressBarColumn { Width = barWidth },
            new PercentageColumn(),
            new RenderColumn(_ => new Markup(Time())),
            new RenderColumn(Details),
        ];
    }

    /// <summary>The display's columns.</summary>
    public ProgressColumn[] Columns { get; }

    /// <summary>Adds the bar to the display and starts the clock.</summary>
    public void Start(ProgressContext context)
    {
        clock.Start();
        task = context.AddTask("model", maxValue: 1); // the description is not shown: the label column pads the label
    }

    /// <summary>A report within an epoch: the bar moves by steps.</summary>
    public void Report(TrainingStepProgress value)
    {
        step = value;
        task!.Value = (double)value.Steps / value.PlannedSteps;
    }

    /// <summary>An epoch's report: the task losses and validation loss shown next to the bar.</summary>
    public void Report(TrainingProgress value)
    {
        epoch = value;
        if (value.IsBest)
        {
            best = value;
        }

        if (step is null)
        {
            task!.Value = (double)value.Epoch / value.Epochs; // no reports within epochs
        }
    }

    /// <summary>The model is trained: the bar fills (also when early stopping ended the run) and the clock stops.</summary>
    public void Finish()
    {
        clock.Stop();
        finished = true;
        task!.Value = 1;
        task.StopTask();
    }

    /// <summary>Elapsed time and the time left at the pace so far, or how long the model took.</summary>
    private string Time()
    {
        var (s, p) = (step, epoch);
        var elapsed = ConsoleProgress.Duration(clock.Elapsed);
        if (finished)
        {
            var text = p is not null && p.Epoch < p.Epochs ? $"early stop, {elapsed}" : $"done in {elapsed}";
            return $"[green]{text.PadRight(TimeWidth)}[/]";
        }

        var left = s is not null ? ConsoleProgress.Remaining(s.Elapsed, s.Steps, s.PlannedSteps)
            : p is not null ? ConsoleProgress.Remaining(p.Elapsed, p.Epoch, p.Epochs)
            : (TimeSpan?)null;
        if (left is not { } l)
        {
            return elapsed.PadRight(TimeWidth);
        }

        var remaining = $"~{ConsoleProgress.Duration(l)} left";
        return $"{elapsed} · [blue]{remaining}[/]{new string(' ', Math.Max(0, TimeWidth - elapsed.Length - 3 - remaining.Length))}";
    }

    /// <summary>Where training is (epoch, step, the epoch's running loss), then in grey the last epoch's task losses and
    /// validation loss (once done: those of the best epoch); cut to the width the terminal leaves, so that the line
    /// never wraps.</summary>
    private IRenderable Details(RenderOptions options)
    {
        var (s, p, b) = (step, epoch, best);
        string where;
        var summary = string.Empty;
        if (s is null && p is null)
        {
            where = "preparing data and model";
        }
        else if (finished && p is not null)
        {
            where = b is null ? Invariant($"{p.Epoch} epochs") : Invariant($"best epoch {b.Epoch} of {p.Epoch}");
            summary = $" │ {Losses(b ?? p)}";
        }
        else if (s is not null)
        {
            where = Invariant($"epoch {s.Epoch}/{s.Epochs} · step {s.Step}/{s.StepsPerEpoch} · loss {s.TrainingLoss:F3}");
        }
        else
        {
            where = Invariant($"epoch {p!.Epoch}/{p.Epochs} · loss {p.TrainingLoss:F3}");
        }

        if (!finished && p is not null)
        {
            summary = $" │ epoch {p.Epoch}: {Losses(p)}{(p.IsBest ? " *" : string.Empty)}";
        }

        // Columns are separated by one space; one more keeps the line off the terminal's last column.
        var width = options.ConsoleSize.Width - (label.Length + 1) - (barWidth + 1) - (PercentageWidth + 1) - (TimeWidth + 1) - 1;
        where = Cut(where, width);
        summary = Cut(summary, width - where.Length);
        return new Markup($"{Markup.Escape(where)}[grey]{Markup.Escape(summary)}[/]");
    }

    private static string Losses(TrainingProgress p) =>
        ConsoleProgress.TaskLosses(p) + (p.ValidationLoss is { } v ? Invariant($" · val {v:F3}") : string.Empty);

    private static string Cut(string text, int width) =>
        text.Length <= width ? text : width <= 1 ? string.Empty : text[..(width - 1)] + "…";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>A column that renders what a function returns (the bar's state, read when Spectre.Console refreshes).</summary>
    private sealed class RenderColumn(Func<RenderOptions, IRenderable> render) : ProgressColumn
    {
        protected override bool NoWrap => true;

        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) => render(options);
    }
}
