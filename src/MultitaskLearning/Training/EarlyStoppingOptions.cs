namespace MultitaskLearning.Training;

/// <summary>Stops training when a validation quantity stops improving (needs validation data).</summary>
public sealed class EarlyStoppingOptions
{
    /// <summary>The watched quantity.</summary>
    /// <value>Default <see cref="MonitoredMetric.ValidationLoss"/>.</value>
    public MonitoredMetric Monitor { get; set; } = MonitoredMetric.ValidationLoss;

    /// <summary>Epochs without improvement before stopping.</summary>
    /// <value>Default 10. At least 1.</value>
    public int Patience { get; set; } = 10;

    /// <summary>The smallest change that counts as an improvement.</summary>
    /// <value>Default 0. At least 0.</value>
    public double MinDelta { get; set; }

    /// <summary>Whether the returned model has the weights of the best epoch rather than the last.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool RestoreBest { get; set; } = true;
}
