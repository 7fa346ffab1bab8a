using System.Globalization;
using System.Reflection;
using System.Text.Json;

namespace MultitaskLearning.Training;

/// <summary>
/// The options that decide what a run computes, as text, so that a resumed run can check it continues the same run.
/// Every public property of <see cref="TrainerOptions"/> is either part of it or listed in <see cref="Excluded"/> with
/// the reason it may differ; a property in neither list is an error (a test enumerates them).
/// </summary>
internal static class TrainingOptionsFingerprint
{
    /// <summary>Properties that may differ between a run and its resumption, and why.</summary>
    public static readonly IReadOnlyDictionary<string, string> Excluded = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [nameof(TrainerOptions.ResumeFrom)] = "where to resume from is not part of the run",
        [nameof(TrainerOptions.Checkpoints)] = "where checkpoints go does not change the results",
        [nameof(TrainerOptions.Logger)] = "logging does not change the results",
        [nameof(TrainerOptions.StepProgress)] = "progress reports do not change the results",
        [nameof(TrainerOptions.StepProgressInterval)] = "progress reports do not change the results",
        [nameof(TrainerOptions.Threads)] = "a resumed run may use other threads (the last bits may then differ; see the README)",
        [nameof(TrainerOptions.Device)] = "a run may continue on another device",
    };

    /// <summary>The fingerprint of <paramref name="options"/>: property name → value as JSON.</summary>
    /// <exception cref="InvalidOperationException">A property is neither fingerprinted nor excluded.</exception>
    public static IReadOnlyDictionary<string, string> Of(TrainerOptions options)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in typeof(TrainerOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (Excluded.ContainsKey(property.Name))
            {
                continue;
            }

            result[property.Name] = Describe(property.GetValue(options));
        }

        return result;
    }

    /// <summary>The differences between a saved fingerprint and the current options, one line each.</summary>
    public static IReadOnlyList<string> Differences(IReadOnlyDictionary<string, string> saved, IReadOnlyDictionary<string, string> current)
    {
        return current.Keys.Union(saved.Keys).Order(StringComparer.Ordinal)
            .Where(k => !saved.TryGetValue(k, out var a) || !current.TryGetValue(k, out var b) || a != b)
            .Select(k => $"{k}: checkpoint {saved.GetValueOrDefault(k, "(absent)")}, now {current.GetValueOrDefault(k, "(absent)")}")
            .ToArray();
    }

    /// <summary>A value as text: scalars as they are, lists element by element, other objects (strategies, early
    /// stopping) as their type and scalar or nested-object properties; collections inside objects (run state such as
    /// GradVac's targets) are not part of the options.</summary>
    private static string Describe(object? value, int depth = 0) => value switch
    {
        null => "null",
        string text => JsonSerializer.Serialize(text),
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        float number => number.ToString("R", CultureInfo.InvariantCulture),
        Enum or bool => value.ToString()!,
        IConvertible convertible when value.GetType().IsPrimitive => convertible.ToString(CultureInfo.InvariantCulture),
        IEnumerable<string> list => "[" + string.Join(", ", list.Select(item => Describe(item))) + "]",
        IEnumerable<KeyValuePair<string, double>> weights => "{" + string.Join(", ", weights.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}: {Describe(kv.Value)}")) + "}",
        System.Collections.IEnumerable => Collection,
        Type or Delegate or TorchSharp.torch.Tensor => Collection,
        _ when depth < 3 => value.GetType().Name + " {" + string.Join(", ", value.GetType()
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.GetMethod is not null)
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => (p.Name, Text: Read(p, value, depth)))
            .Where(p => p.Text != Collection)
            .Select(p => $"{p.Name} = {p.Text}")) + "}",
        _ => value.GetType().Name,
    };

    /// <summary>Marks values that are not options (run state, tensors, types, delegates); they are left out.</summary>
    private const string Collection = "(not an option value)";

    private static string Read(PropertyInfo property, object owner, int depth)
    {
        try
        {
            return Describe(property.GetValue(owner), depth + 1);
        }
        catch (TargetInvocationException ex)
        {
            return $"<unreadable: {ex.InnerException?.GetType().Name ?? ex.GetType().Name}>";
        }
    }
}
