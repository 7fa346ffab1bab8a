using Microsoft.ML;

namespace MultitaskLearning.ML;

/// <summary>Describes a schema's visible columns for error messages.</summary>
internal static class SchemaText
{
    /// <summary>"'a' (Single), 'b' (String), …".</summary>
    public static string Describe(DataViewSchema schema)
    {
        var visible = schema.Where(c => !c.IsHidden).Select(c => $"'{c.Name}' ({c.Type})").ToArray();
        return visible.Length == 0 ? "none" : string.Join(", ", visible);
    }
}
