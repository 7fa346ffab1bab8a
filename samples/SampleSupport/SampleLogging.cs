using Microsoft.Extensions.Logging;

namespace MultitaskLearning.Samples;

/// <summary>The samples' console logging: one line per message, for the trainer's decisions (engine, fallbacks,
/// thread switches, checkpoints, early stopping) and the readers' skipped files. On an interactive terminal the lines go
/// through Spectre.Console, so they appear above the live progress bars instead of through them.</summary>
public static class SampleLogging
{
    private static readonly Lazy<ILoggerFactory> Factory = new(() => LoggerFactory.Create(builder =>
    {
        builder.SetMinimumLevel(LogLevel.Information);
        if (ConsoleProgress.Interactive)
        {
            builder.AddProvider(new AnsiConsoleLoggerProvider());
        }
        else
        {
            builder.AddSimpleConsole(options =>
            {
                options.SingleLine = true;
                options.TimestampFormat = "HH:mm:ss ";
                options.ColorBehavior = Console.IsOutputRedirected ? Microsoft.Extensions.Logging.Console.LoggerColorBehavior.Disabled : Microsoft.Extensions.Logging.Console.LoggerColorBehavior.Default;
            });
        }
    }));

    /// <summary>A logger that writes to the console.</summary>
    /// <param name="category">The category shown with each line (for example "trainer").</param>
    /// <returns>The logger; it lives as long as the process.</returns>
    public static ILogger Create(string category) => Factory.Value.CreateLogger(category);
}
