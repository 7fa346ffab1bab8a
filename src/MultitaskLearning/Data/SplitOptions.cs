namespace MultitaskLearning.Data;

/// <summary>How <see cref="DatasetSplitter"/> divides a dataset into training, validation and test rows.</summary>
public sealed class SplitOptions
{
    /// <summary>Fraction of each stratum's rows that go to training (rounded up: ⌈f·n⌉).</summary>
    /// <value>Default 0.7. In (0, 1].</value>
    public double TrainFraction { get; set; } = 0.7;

    /// <summary>Fraction of each stratum's rows that go to validation (rounded to nearest); the rest is the test split.</summary>
    /// <value>Default 0.15. In [0, 1); <see cref="TrainFraction"/> + this must be ≤ 1.</value>
    public double ValidationFraction { get; set; } = 0.15;

    /// <summary>Seed of the shuffle; the same seed and data give the same split.</summary>
    /// <value>Default 0.</value>
    public int Seed { get; set; }

    /// <summary>A classification task whose class labels also define strata, so each class keeps its proportions in
    /// every split. Rows are always stratified by which tasks they are labelled for, so every task keeps its fractions.</summary>
    /// <value>Default <see langword="null"/> (no class stratification).</value>
    public string? StratifyByTask { get; set; }

    internal void Validate()
    {
        var errors = new List<string>();
        if (!(TrainFraction > 0 && TrainFraction <= 1))
        {
            errors.Add($"{nameof(TrainFraction)} must be in (0, 1]. Got {TrainFraction} instead.");
        }

        if (!(ValidationFraction >= 0 && ValidationFraction < 1))
        {
            errors.Add($"{nameof(ValidationFraction)} must be in [0, 1). Got {ValidationFraction} instead.");
        }

        if (TrainFraction + ValidationFraction > 1 + 1e-12)
        {
            errors.Add($"{nameof(TrainFraction)} + {nameof(ValidationFraction)} must be <= 1. Got {TrainFraction} + {ValidationFraction} instead.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid split options: " + string.Join(" ", errors));
        }
    }
}
