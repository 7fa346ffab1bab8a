namespace MultitaskLearning.Models;

/// <summary>Stable names of <see cref="ModelFamily"/> values.</summary>
public static class ModelFamilyExtensions
{
    /// <summary>The stable kebab-case name used in reports and JSON: <c>shared-trunk</c>, <c>task-specific</c>, <c>hybrid</c>.</summary>
    /// <param name="family">The family.</param>
    /// <returns>The name.</returns>
    public static string ToName(this ModelFamily family) => family switch
    {
        ModelFamily.SharedTrunk => "shared-trunk",
        ModelFamily.TaskSpecific => "task-specific",
        ModelFamily.Hybrid => "hybrid",
        ModelFamily.Mmoe => "mmoe",
        ModelFamily.Cgc => "cgc",
        ModelFamily.CrossStitch => "cross-stitch",
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "Unknown model family."),
    };

    /// <summary>Parses a name produced by <see cref="ToName"/>.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The family.</returns>
    public static ModelFamily ParseFamilyName(string name)
    {
        foreach (var family in Enum.GetValues<ModelFamily>())
        {
            if (family.ToName() == name)
            {
                return family;
            }
        }

        throw new ArgumentException($"Unknown model family '{name}'. Known: shared-trunk, task-specific, hybrid, mmoe, cgc, cross-stitch.", nameof(name));
    }
}
