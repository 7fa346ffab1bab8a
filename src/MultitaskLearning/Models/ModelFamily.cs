namespace MultitaskLearning.Models;

/// <summary>The three model families of the specification.</summary>
public enum ModelFamily
{
    /// <summary>Hard parameter sharing: encoder per input → one shared trunk → one linear head per task; L = Σ_i α_i L_i
    /// (with α_i = 1, the specification's L = Σ_i L_i).</summary>
    SharedTrunk,

    /// <summary>Independent parameters per task (y_i = f_i(X_i)): each task has its own encoder, trunk and head of the
    /// same configuration. This is the single-task baseline inside the same API.</summary>
    TaskSpecific,

    /// <summary>A shared encoder and trunk plus a task-specific tower (small MLP) and head per task; L = Σ_i α_i L_i.</summary>
    Hybrid,
}
