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

    /// <summary>Multi-gate Mixture-of-Experts (Ma et al., KDD 2018): <see cref="ArchitectureOptions.Experts"/> shared
    /// expert networks (each shaped like the trunk) and one softmax gate per task over them; each task's tower and head
    /// read its own mixture of the experts.</summary>
    Mmoe,

    /// <summary>Customised Gate Control, the single-level Progressive Layered Extraction of Tang et al. (RecSys 2020):
    /// like <see cref="Mmoe"/>, plus <see cref="ArchitectureOptions.TaskExperts"/> experts of each task's own, which only
    /// that task's gate can choose.</summary>
    Cgc,

    /// <summary>Cross-stitch networks (Misra et al., CVPR 2016): a column of trunk layers per task, mixed after every
    /// layer by learned cross-stitch units, then each task's tower and head. The columns and units count as shared
    /// parameters (every task's loss trains them through the mixing).</summary>
    CrossStitch,
}
