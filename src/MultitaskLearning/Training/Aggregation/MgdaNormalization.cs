namespace MultitaskLearning.Training.Aggregation;

/// <summary>How MGDA normalises each task gradient g_t before finding the min-norm combination (Sener and Koltun's code).</summary>
public enum MgdaNormalization
{
    /// <summary>No normalisation.</summary>
    None,

    /// <summary>g_t / ‖g_t‖.</summary>
    L2,

    /// <summary>g_t / L_t.</summary>
    Loss,

    /// <summary>g_t / (L_t ‖g_t‖).</summary>
    LossPlus,
}
