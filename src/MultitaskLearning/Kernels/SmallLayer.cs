namespace MultitaskLearning.Kernels;

/// <summary>One small dense layer for <see cref="SmallProducts"/>: its weights ([in, out] row-major) and bias in the
/// parameter buffer, and the columns it reads and writes.</summary>
/// <param name="WeightOffset">Where the weights start in the parameter (and gradient) buffer.</param>
/// <param name="BiasOffset">Where the bias starts.</param>
/// <param name="InWidth">Inputs.</param>
/// <param name="OutWidth">Outputs.</param>
/// <param name="InputOffset">Its first column in the input rows.</param>
/// <param name="OutputOffset">Its first column in the output rows.</param>
internal readonly record struct SmallLayer(long WeightOffset, long BiasOffset, int InWidth, int OutWidth, int InputOffset, int OutputOffset);
