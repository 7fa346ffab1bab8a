namespace MultitaskLearning.Linear;

/// <summary>The outcome of fitting a linear multitask model.</summary>
/// <param name="Model">The fitted model.</param>
/// <param name="Objective">The final objective F(W, b) = loss + Ω(W).</param>
/// <param name="ObjectiveTrace">The objective after each accepted iteration (one value for a closed form).</param>
/// <param name="Iterations">Iterations taken (0 for a closed form).</param>
/// <param name="Converged">Whether the stopping tolerance was met (always true for a closed form).</param>
public sealed record LinearFitResult(
    LinearMultitaskModel Model,
    double Objective,
    IReadOnlyList<double> ObjectiveTrace,
    int Iterations,
    bool Converged);
