using Spectre.Console;

namespace MultitaskLearning.Samples;

/// <summary>Console set-up shared by the samples.</summary>
public static class SampleConsole
{
    /// <summary>When output is redirected, writes plain text: no colours, no ANSI escapes, no live displays.</summary>
    public static void Configure()
    {
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
                Interactive = InteractionSupport.No,
            });
        }
    }
}
