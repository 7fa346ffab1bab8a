namespace MultitaskLearning.Linear.Solvers;

/// <summary>Stopping rules of <see cref="ProximalGradientSolver"/>.</summary>
public sealed class ProximalGradientOptions
{
    /// <summary>The most iterations (accepted or restarted steps).</summary>
    /// <value>Default 10,000. At least 1.</value>
    public int MaxIterations { get; set; } = 10_000;

    /// <summary>Stop when the relative objective change |F_k−1 − F_k| / max(|F_k−1|, 1e−300) falls to this value.</summary>
    /// <value>Default 1e−6. In (0, 1).</value>
    public double Tolerance { get; set; } = 1e-6;

    /// <summary>Whether momentum restarts when the objective increases (adaptive restart of O'Donoghue and Candès, 2015).</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool Restart { get; set; } = true;

    internal void Validate()
    {
        var errors = new List<string>();
        if (MaxIterations < 1)
        {
            errors.Add($"MaxIterations must be >= 1. Got {MaxIterations} instead.");
        }

        if (!(Tolerance > 0 && Tolerance < 1))
        {
            errors.Add($"Tolerance must be in (0, 1). Got {Tolerance} instead.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid proximal gradient options: " + string.Join(" ", errors));
        }
    }
}
