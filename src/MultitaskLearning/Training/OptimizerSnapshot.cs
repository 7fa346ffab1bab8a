namespace MultitaskLearning.Training;

/// <summary>
/// An optimiser's state in a form both engines read and write: per trained parameter (by its network name, or
/// <c>weighting/N</c> for a learnable loss weighting), named buffers in the parameter's own shape and layout
/// (<c>momentum</c> for SGD; <c>exp_avg</c>, <c>exp_avg_sq</c> for Adam and AdamW) and the number of updates the
/// parameter has had.
/// </summary>
/// <param name="Optimizer">The optimiser the state belongs to.</param>
/// <param name="Parameters">State by parameter name.</param>
internal sealed record OptimizerSnapshot(OptimizerKind Optimizer, IReadOnlyDictionary<string, ParameterOptimizerState> Parameters);

/// <summary>One parameter's optimiser state.</summary>
/// <param name="Steps">Adam's and AdamW's step count; for SGD 1 once the momentum buffer exists, else 0.</param>
/// <param name="Buffers">Named buffers, each with the parameter's element count, row-major in the parameter's shape.</param>
/// <param name="HasGradient">Whether the parameter holds a gradient tensor (zeroed between steps). TorchSharp's
/// optimisers update a parameter with a zero gradient (momentum, moments, decay) but skip one without, so a resumed
/// run must recreate the zeroed gradients where the interrupted run had them.</param>
internal sealed record ParameterOptimizerState(long Steps, IReadOnlyDictionary<string, float[]> Buffers, bool HasGradient);
