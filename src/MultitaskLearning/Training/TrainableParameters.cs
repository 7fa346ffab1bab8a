using TorchSharp.Modules;

namespace MultitaskLearning.Training;

/// <summary>The parameters a run trains, by name, split into the shared group (encoders, trunk, experts; learning rate
/// × <see cref="TrainerOptions.SharedLearningRateFactor"/>) and the task-specific group (task blocks and learnable
/// loss weightings, named <c>weighting/N</c>).</summary>
/// <param name="Shared">Trained shared parameters, in network order.</param>
/// <param name="TaskSpecific">Trained task and weighting parameters.</param>
internal sealed record TrainableParameters(
    IReadOnlyList<(string Name, Parameter Parameter)> Shared,
    IReadOnlyList<(string Name, Parameter Parameter)> TaskSpecific)
{
    /// <summary>Every trained parameter: the shared group, then the task-specific group.</summary>
    public IEnumerable<(string Name, Parameter Parameter)> All => Shared.Concat(TaskSpecific);

    /// <summary>The shared parameters without names.</summary>
    public Parameter[] SharedTensors => Shared.Select(p => p.Parameter).ToArray();

    /// <summary>The task-specific parameters without names.</summary>
    public Parameter[] TaskSpecificTensors => TaskSpecific.Select(p => p.Parameter).ToArray();
}
