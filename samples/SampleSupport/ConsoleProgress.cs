using System.Globalization;
using MultitaskLearning.Training;
using Spectre.Console;

namespace MultitaskLearning.Samples;

/// <summary>
/// Shows training progress: on an interactive terminal a live status line that is rewritten every epoch; when output
/// is redirected, a plain line every <see cref="PlainEvery"/> epochs (and the last), so logs stay readable.
/// </summary>
public sealed class ConsoleProgress
{
    /// <summary>Whether the console is an interactive terminal (not redirected).</summary>
    public static bool Interactive => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>In plain mode, print every this many epochs.</summary>
    public int PlainEvery { get; init; } = 10;

    /// <summary>Runs <paramref name="work"/> with a progress reporter labelled <paramref name="label"/>.</summary>
    /// <typeparam name="T">The work's result.</typeparam>
    /// <param name="label">What is being trained, for example "shared-trunk, split 1".</param>
    /// <param name="work">The work; it receives the reporter to hand to the trainer.</param>
    /// <returns>The work's result.</returns>
    public T Run<T>(string label, Func<IProgress<TrainingProgress>, T> work)
    {
        if (!Interactive)
        {
            return work(new SynchronousProgress(p =>
            {
                if (p.Epoch % PlainEvery == 0 || p.Epoch == p.Epochs || p.Epoch == 1)
                {
                    Console.WriteLine($"  {label}: {Describe(p)}");
                }
            }));
        }

        return AnsiConsole.Status().Spinner(Spinner.Known.Dots).Start($"{Markup.Escape(label)}: starting", context =>
            work(new SynchronousProgress(p => context.Status($"{Markup.Escape(label)}: {Markup.Escape(Describe(p))}"))));
    }

    /// <summary>One line: epoch, training loss, per-task loss summary, validation loss.</summary>
    /// <param name="p">The progress report.</param>
    /// <returns>The line.</returns>
    public static string Describe(TrainingProgress p)
    {
        var losses = p.TaskTrainingLosses.Where(kv => !double.IsNaN(kv.Value)).ToArray();
        string taskPart;
        if (losses.Length <= 4)
        {
            taskPart = string.Join(", ", losses.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value:F3}")));
        }
        else
        {
            var worst = losses.MaxBy(kv => kv.Value);
            taskPart = string.Create(CultureInfo.InvariantCulture, $"{losses.Length} tasks: mean {losses.Average(kv => kv.Value):F3}, worst {worst.Key} {worst.Value:F3}");
        }

        var validation = p.ValidationLoss is { } v ? string.Create(CultureInfo.InvariantCulture, $", validation loss {v:F3}") : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"epoch {p.Epoch}/{p.Epochs}, loss {p.TrainingLoss:F3} ({taskPart}){validation}{(p.IsBest ? " *" : string.Empty)}");
    }

    /// <summary>Calls the handler on the reporting thread (unlike <see cref="Progress{T}"/>, which posts to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<TrainingProgress> handler) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => handler(value);
    }
}
