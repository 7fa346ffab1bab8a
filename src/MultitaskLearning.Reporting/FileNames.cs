using System.Globalization;
using System.Text;

namespace MultitaskLearning.Reporting;

/// <summary>File names for a report's images: a prefix, a running number that keeps them unique, and a readable slug
/// of the user's name (ASCII letters and digits only, so any run or task name gives a portable file name).</summary>
internal static class FileNames
{
    public static string Stem(string prefix, int index, string name) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}-{index:D2}-{Slug(name)}");

    public static string Slug(string name)
    {
        var builder = new StringBuilder();
        foreach (var c in name.ToLowerInvariant())
        {
            if (c is (>= 'a' and <= 'z') or (>= '0' and <= '9'))
            {
                builder.Append(c);
            }
            else if (builder.Length > 0 && builder[^1] != '-')
            {
                builder.Append('-');
            }

            if (builder.Length >= 40)
            {
                break;
            }
        }

        var slug = builder.ToString().Trim('-');
        return slug.Length == 0 ? "item" : slug;
    }
}
