namespace MultitaskLearning.Training;

/// <summary>The fixed hyperparameters of Adam and AdamW, PyTorch's defaults, used by both training engines.</summary>
internal static class AdamSettings
{
    /// <summary>β₁, the decay of the first-moment average.</summary>
    public const double Beta1 = 0.9;

    /// <summary>β₂, the decay of the second-moment average.</summary>
    public const double Beta2 = 0.999;

    /// <summary>ε, added to the denominator.</summary>
    public const double Epsilon = 1e-8;
}
