using Spectre.Console;

namespace MultitaskLearning.Samples;

/// <summary>Console set-up shared by the samples.</summary>
public static class SampleConsole
{
    /// <summary>When output is redirected, writes plain text: no colours, no ANSI escapes, no live displays, and tables
    /// up to 160 characters wide instead of wrapping at 80.</summary>
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
            AnsiConsole.Profile.Width = 160;
        }
    }
}
