namespace MultitaskLearning.Training;

/// <summary>
/// How the tasks' gradients on the shared parameters related during training (recorded when
/// <see cref="TrainerOptions.RecordTaskRelationships"/> is on): for every pair of tasks, the mean cosine similarity of
/// their gradients over the steps where both had labels, and the fraction of those steps in which they conflicted
/// (cosine &lt; 0). Positive means the tasks pull the shared layers the same way; negative, against each other.
/// </summary>
/// <param name="TaskNames">The tasks, in matrix order.</param>
/// <param name="MeanCosine">Mean cosine similarity [i, j] (1 on the diagonal; NaN for pairs never seen together).</param>
/// <param name="ConflictFraction">Fraction of shared steps with cosine &lt; 0 [i, j].</param>
/// <param name="Steps">Steps in which both tasks had labels [i, j].</param>
/// <param name="LookaheadAffinity">When recorded, the mean lookahead affinity Z[i, j] = 1 − L_j(θ − η g_i) / L_j(θ) of
/// Fifty et al., "Efficiently Identifying Task Groupings for Multi-Task Learning" (NeurIPS 2021): positive when a step
/// on task i's gradient alone (shared parameters, learning rate η) lowers task j's loss on the same batch.</param>
public sealed record TaskRelationships(IReadOnlyList<string> TaskNames, double[,] MeanCosine, double[,] ConflictFraction, long[,] Steps, double[,]? LookaheadAffinity = null);
