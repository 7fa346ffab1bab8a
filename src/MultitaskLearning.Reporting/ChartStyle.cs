using System.Globalization;
using ScottPlot;
using SkiaSharp;

namespace MultitaskLearning.Reporting;

/// <summary>The look shared by every chart of a report: a sans-serif font found on the machine, font sizes, the
/// palette, and rendering to PNG bytes with culture-invariant numbers.</summary>
internal static class ChartStyle
{
    /// <summary>Sans-serif families tried in order; the first installed one is used. Linux images usually carry DejaVu
    /// or Liberation, Windows Segoe UI and Arial, macOS Helvetica.</summary>
    private static readonly string[] SansFamilies = ["DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial", "Helvetica", "Segoe UI", "Verdana"];

    private static readonly Lazy<string> InstalledSans = new(FindSans);

    /// <summary>Tab10 (matplotlib's default cycle), distinct and colour-blind tolerant for the first few colours.</summary>
    private static readonly IPalette Palette = new ScottPlot.Palettes.Category10();

    public const float TitleSize = 18;
    public const float AxisLabelSize = 15;
    public const float TickLabelSize = 13;
    public const float LegendSize = 13;
    public const float AnnotationSize = 14;

    /// <summary>The font family: <paramref name="requested"/> when given, else the first installed family of
    /// <see cref="SansFamilies"/>, else ScottPlot's default (the system's default typeface).</summary>
    public static string FontFamily(string? requested) => requested ?? InstalledSans.Value;

    /// <summary>The <paramref name="index"/>-th colour of the palette.</summary>
    public static Color Colour(int index) => Palette.GetColor(index);

    /// <summary>A plot with the report's font, title, axis labels and sizes.</summary>
    public static Plot Create(string? fontFamily, string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Font.Set(FontFamily(fontFamily));
        plot.Title(title, TitleSize);
        plot.XLabel(xLabel, AxisLabelSize);
        plot.YLabel(yLabel, AxisLabelSize);
        plot.Axes.Bottom.TickLabelStyle.FontSize = TickLabelSize;
        plot.Axes.Left.TickLabelStyle.FontSize = TickLabelSize;
        plot.Legend.FontSize = LegendSize;
        plot.Legend.FontName = FontFamily(fontFamily);
        plot.Legend.SymbolWidth = 32;   // long enough to tell solid, dashed and dotted lines apart
        return plot;
    }

    /// <summary>Renders a plot as PNG bytes. Tick labels and other numbers ScottPlot formats itself use the invariant
    /// culture (a decimal point, whatever the machine's culture).</summary>
    public static byte[] RenderPng(Plot plot, int width, int height)
    {
        var culture = CultureInfo.CurrentCulture;
        var uiCulture = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
            CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
            return plot.GetImageBytes(width, height, ImageFormat.Png);
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
            CultureInfo.CurrentUICulture = uiCulture;
        }
    }

    /// <summary>Turns the bottom tick labels 45° clockwise, each starting at its tick, and reserves room for them.</summary>
    /// <param name="plot">The plot.</param>
    /// <param name="longest">The length of the longest label, in characters.</param>
    public static void SlantBottomLabels(Plot plot, int longest)
    {
        plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = Math.Clamp((longest * TickLabelSize * 0.45f) + 40, 60, 220);
    }

    /// <summary>Shortens a label for an axis or legend to <paramref name="max"/> characters with an ellipsis.</summary>
    public static string Shorten(string text, int max = 24) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");

    private static string FindSans()
    {
        var installed = new HashSet<string>(SKFontManager.Default.GetFontFamilies(), StringComparer.OrdinalIgnoreCase);
        return SansFamilies.FirstOrDefault(installed.Contains) ?? Fonts.Default;
    }
}
