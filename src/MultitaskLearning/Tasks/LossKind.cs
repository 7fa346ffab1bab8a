namespace MultitaskLearning.Tasks;

/// <summary>The per-sample loss l(y, ŷ) of a task. A task's loss is the mean over its labelled samples in a batch,
/// L_i = (1/m_i) Σ_j l(y_ij, ŷ_ij); samples whose label is missing do not count.</summary>
public enum LossKind
{
    /// <summary>Softmax cross-entropy, −log softmax(ŷ)_y. For <see cref="TaskKind.Multiclass"/> tasks.</summary>
    CrossEntropy,

    /// <summary>Binary cross-entropy on logits, −[y log σ(ŷ) + (1 − y) log(1 − σ(ŷ))], averaged over a sample's outputs.
    /// For <see cref="TaskKind.Binary"/> and <see cref="TaskKind.MultiLabel"/> tasks.</summary>
    BinaryCrossEntropyWithLogits,

    /// <summary>Squared error (y − ŷ)², averaged over a sample's outputs. For regression.</summary>
    MeanSquaredError,

    /// <summary>Absolute error |y − ŷ|, averaged over a sample's outputs. For regression.</summary>
    MeanAbsoluteError,

    /// <summary>Huber loss with threshold δ (<see cref="TaskDefinition.HuberDelta"/>): ½(y − ŷ)² when |y − ŷ| ≤ δ, else δ(|y − ŷ| − ½δ).
    /// For regression.</summary>
    Huber,
}
