using System.Globalization;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace MultitaskLearning.Samples;

/// <summary>
/// Writes log lines through Spectre.Console, in the console logger's single-line format ("HH:mm:ss info: trainer[0]
/// message"). Spectre.Console prints such lines above a live progress display and redraws the display below them;
/// lines written to the console behind its back would be overwritten by the next redraw. Used on interactive terminals
/// only (the erase before each line is an ANSI control sequence).
/// </summary>
internal sealed class AnsiConsoleLoggerProvider : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var (level, color) = logLevel switch
            {
                LogLevel.Trace => ("trce", "grey"),
                LogLevel.Debug => ("dbug", "grey"),
                LogLevel.Information => ("info", "green"),
                LogLevel.Warning => ("warn", "yellow"),
                LogLevel.Error => ("fail", "red"),
                _ => ("crit", "red"),
            };
            var message = formatter(state, exception) + (exception is null ? string.Empty : Environment.NewLine + exception);
            var time = DateTime.Now.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
            AnsiConsole.Write(new ClearedBelow(new Markup($"[grey]{time}[/] [{color}]{level}[/]: {Markup.Escape($"{category}[{eventId.Id}] {message}")}{Environment.NewLine}")));
        }
    }

    /// <summary>Erases the screen below the cursor before the content. A live display is redrawn after the content;
    /// without the erase, a line shorter than the display's old lines would keep their ends.</summary>
    private sealed class ClearedBelow(IRenderable content) : IRenderable
    {
        public Measurement Measure(RenderOptions options, int maxWidth) => content.Measure(options, maxWidth);

        public IEnumerable<Segment> Render(RenderOptions options, int maxWidth) => content.Render(options, maxWidth).Prepend(Segment.Control("\u001b[0J"));
    }
}
