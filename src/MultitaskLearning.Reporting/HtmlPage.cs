using System.Net;
using System.Text;

namespace MultitaskLearning.Reporting;

/// <summary>The report's single self-contained HTML page: inline CSS, every image embedded as a base64 data URI, no
/// script and nothing loaded from elsewhere (a Content-Security-Policy forbids it). Every user string is HTML-escaped.</summary>
internal static class HtmlPage
{
    private const string Style = """
        body { font-family: "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 1680px; padding: 0 1.5em; color: #222; background: #fff; line-height: 1.45; }
        h1 { font-size: 1.8em; margin-bottom: 0.2em; }
        h2 { font-size: 1.35em; margin-top: 2em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
        h3 { font-size: 1.1em; margin-top: 1.5em; }
        nav ul { padding-left: 1.2em; }
        .grid { display: flex; flex-wrap: wrap; gap: 1.5em; }
        figure { margin: 0; flex: 1 1 640px; max-width: 820px; }
        figure img { width: 100%; height: auto; border: 1px solid #e4e4e4; }
        figcaption { font-size: 0.9em; color: #555; margin-top: 0.3em; }
        figcaption code { font-size: 0.95em; color: #777; }
        table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.92em; }
        th, td { border: 1px solid #ddd; padding: 0.3em 0.7em; text-align: left; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        th { background: #f4f4f4; }
        .muted { color: #777; }
        """;

    public static string Build(string title, string? description, IReadOnlyList<ReportSection> sections)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta name=\"generator\" content=\"MultitaskLearning.Reporting\">\n")
            .Append("<title>").Append(Escape(title)).Append("</title>\n<style>\n").Append(Style).Append("\n</style>\n</head>\n<body>\n")
            .Append("<h1>").Append(Escape(title)).Append("</h1>\n");
        if (!string.IsNullOrWhiteSpace(description))
        {
            html.Append("<p>").Append(Escape(description)).Append("</p>\n");
        }

        var topLevel = sections.Where(s => s.Level == 2).ToArray();
        if (topLevel.Length > 1)
        {
            html.Append("<nav><ul>\n");
            foreach (var section in topLevel)
            {
                html.Append("<li><a href=\"#").Append(section.Id).Append("\">").Append(Escape(section.Heading)).Append("</a></li>\n");
            }

            html.Append("</ul></nav>\n");
        }

        foreach (var section in sections)
        {
            html.Append("<h").Append(section.Level).Append(" id=\"").Append(section.Id).Append("\">")
                .Append(Escape(section.Heading)).Append("</h").Append(section.Level).Append(">\n");
            if (section.TextHtml is not null)
            {
                html.Append("<p>").Append(section.TextHtml).Append("</p>\n");
            }

            if (section.TableHtml is not null)
            {
                html.Append(section.TableHtml);
            }

            if (section.Images.Count > 0)
            {
                html.Append("<div class=\"grid\">\n");
                foreach (var image in section.Images)
                {
                    html.Append("<figure><img src=\"data:image/png;base64,").Append(Convert.ToBase64String(image.Png))
                        .Append("\" width=\"").Append(image.Width).Append("\" height=\"").Append(image.Height)
                        .Append("\" alt=\"").Append(Escape(image.Title)).Append("\">\n<figcaption>").Append(Escape(image.Caption))
                        .Append(" <code>").Append(Escape(image.FileName)).Append("</code></figcaption></figure>\n");
                }

                html.Append("</div>\n");
            }
        }

        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>HTML-escapes text for element content and quoted attribute values (&amp;, &lt;, &gt;, ", ').</summary>
    public static string Escape(string text) => WebUtility.HtmlEncode(text);
}
