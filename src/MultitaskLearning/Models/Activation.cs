namespace MultitaskLearning.Models;

/// <summary>The non-linearity between hidden layers.</summary>
public enum Activation
{
    /// <summary>max(0, x).</summary>
    ReLU,

    /// <summary>Hyperbolic tangent.</summary>
    Tanh,

    /// <summary>Gaussian error linear unit (exact form).</summary>
    GELU,

    /// <summary>x·σ(x) (also called swish).</summary>
    SiLU,
}
