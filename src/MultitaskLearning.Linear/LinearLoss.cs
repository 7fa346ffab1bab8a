namespace MultitaskLearning.Linear;

/// <summary>The data-fit term of a linear multitask problem, averaged per task.</summary>
public enum LinearLoss
{
    /// <summary>Least squares: Σ_t (1/(2 n_t)) ‖X_t w_t + b_t − y_t‖².</summary>
    LeastSquares,

    /// <summary>Logistic: Σ_t (1/n_t) Σ_i log(1 + exp(−y_ti (x_ti·w_t + b_t))) with labels y ∈ {−1, +1}
    /// (0/1 labels are mapped to −1/+1).</summary>
    Logistic,
}
