using System.Text.Json.Serialization;

namespace MultitaskLearning.Samples.Serving;

/// <summary>One task's prediction for one sample, as <c>POST /predict</c> answers it. Which properties are set depends
/// on the kind; the others are left out of the JSON.</summary>
public sealed record TaskResult
{
    /// <summary>Multiclass, Binary, MultiLabel or Regression.</summary>
    public required string Kind { get; init; }

    /// <summary>Multiclass and binary: the predicted label.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Label { get; init; }

    /// <summary>Multi-label: the labels whose probability is at least 0.5.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>Classification: the probability of each label, in label order.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, double>? Probabilities { get; init; }

    /// <summary>Regression: the predicted values in the units of the training targets.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<double>? Values { get; init; }
}
