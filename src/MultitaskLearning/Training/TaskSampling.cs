namespace MultitaskLearning.Training;

/// <summary>How each training step chooses its samples when tasks have sample sets of different sizes.</summary>
public enum TaskSampling
{
    /// <summary>Every step takes one batch from every input table (all tasks of a table share its rows); an epoch is one
    /// pass over the largest table, smaller tables cycle. The default.</summary>
    AllInputs,

    /// <summary>Every step picks one task with probability p_t ∝ n_t (its labelled samples) and takes a batch of that
    /// task's samples; an epoch is Σ_t n_t / batch steps.</summary>
    Proportional,

    /// <summary>Every step takes the next task in turn (round-robin, p_t = 1/T), whatever its size.</summary>
    RoundRobin,

    /// <summary>Every step picks a task with p_t ∝ n_t^(1/τ) (<see cref="TrainerOptions.SamplingTemperature"/> τ):
    /// τ = 1 is proportional, large τ approaches uniform.</summary>
    Temperature,
}
