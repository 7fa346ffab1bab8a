using TorchSharp.Modules;

namespace MultitaskLearning.Models;

/// <summary>One layer of a <see cref="NetworkDescription"/>, as the module that runs it was built.</summary>
/// <param name="Kind">What the layer computes.</param>
/// <param name="InputSize">Values per sample going in.</param>
/// <param name="OutputSize">Values per sample coming out.</param>
/// <param name="Activation">The function of an <see cref="LayerKind.Activation"/> layer.</param>
/// <param name="DropoutRate">The rate of a <see cref="LayerKind.Dropout"/> layer.</param>
/// <param name="Dense">The module of a <see cref="LayerKind.Dense"/> layer.</param>
/// <param name="Convolution">The convolution of a <see cref="LayerKind.Convolution"/> layer, or the one a
/// <see cref="LayerKind.MaxPool"/> layer pools.</param>
/// <param name="Mixture">The experts and gates of a <see cref="LayerKind.ExpertMixture"/> layer.</param>
/// <param name="Masks">The mask generator of a <see cref="LayerKind.Dropout"/> layer (or of the hidden layers of a
/// <see cref="LayerKind.CrossStitch"/> layer, whose <paramref name="Activation"/> and <paramref name="DropoutRate"/> they are).</param>
/// <param name="DropoutKey">The key of a <see cref="LayerKind.Dropout"/> layer in <paramref name="Masks"/>.</param>
/// <param name="DropoutSlice">The slice of a <see cref="LayerKind.Dropout"/> layer's masks that a 2-D activation
/// uses (a task's slice of a stacked task block; 0 elsewhere).</param>
/// <param name="CrossStitch">The columns and units of a <see cref="LayerKind.CrossStitch"/> layer.</param>
internal sealed record LayerDescription(
    LayerKind Kind,
    int InputSize,
    int OutputSize,
    Activation Activation = Activation.ReLU,
    double DropoutRate = 0,
    Linear? Dense = null,
    ConvolutionLayer? Convolution = null,
    ExpertMixture? Mixture = null,
    DropoutMasks? Masks = null,
    int DropoutKey = 0,
    int DropoutSlice = 0,
    CrossStitchColumns? CrossStitch = null);
