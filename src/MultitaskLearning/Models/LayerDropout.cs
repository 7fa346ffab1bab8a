namespace MultitaskLearning.Models;

/// <summary>The dropout a network's modules put after their hidden layers: the rate and the network's masks.</summary>
/// <param name="Rate">The probability of dropping a unit while training; 0 for none.</param>
/// <param name="Masks">The network's mask generator, which gives each dropout layer its key.</param>
internal sealed record LayerDropout(double Rate, DropoutMasks Masks);
