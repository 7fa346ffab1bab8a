using TorchSharp.Modules;

namespace MultitaskLearning.Training;

/// <summary>Finds the buffer, in a network's layout, that holds a parameter's values (or one of its optimiser buffers):
/// the other side of the fused engine's copies to and from its flat buffers.</summary>
internal unsafe delegate float* ParameterLocator(Parameter parameter);
