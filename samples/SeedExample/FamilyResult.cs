using MultitaskLearning.Models;

namespace MultitaskLearning.Samples.SeedExample;

/// <summary>One family trained with one seed: held-out accuracies, epochs run and training time.</summary>
internal sealed record FamilyResult(ModelFamily Family, int Seed, double Speech, double Image, double Characters, double Emoji, int Epochs, double TrainingSeconds)
{
    /// <summary>
    /// Δm against the single-task baseline of the same seed, in percent: the mean over the two tasks of the relative
    /// accuracy change, (accuracy − baseline) / baseline (LibMTL's definition for metrics where higher is better).
    /// </summary>
    public double DeltaM(FamilyResult baseline) =>
        100 * (((Speech - baseline.Speech) / baseline.Speech) + ((Image - baseline.Image) / baseline.Image)) / 2;
}
