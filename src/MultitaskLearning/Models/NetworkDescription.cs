namespace MultitaskLearning.Models;

/// <summary>
/// The layers a <see cref="MultitaskNetwork"/> applies to one input, produced by the same code that builds and runs
/// them (<see cref="DenseStack"/>, the task blocks), so that an engine that re-implements the computation can check it
/// implements every layer rather than trust a hand-kept list.
/// </summary>
/// <param name="Family">The model family.</param>
/// <param name="InputName">The input.</param>
/// <param name="Shared">The shared layers from the input's samples to the representation the task layers read (empty
/// for the task-specific family).</param>
/// <param name="Tasks">Each task's own layers (towers and head), by task name, in the input's layout order.</param>
internal sealed record NetworkDescription(
    ModelFamily Family,
    string InputName,
    IReadOnlyList<LayerDescription> Shared,
    IReadOnlyList<(string Task, IReadOnlyList<LayerDescription> Layers)> Tasks);
