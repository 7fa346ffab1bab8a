using MultitaskLearning.Training;

namespace MultitaskLearning.TestUtilities;

/// <summary>Trainer options for tests whose outcome must not depend on the machine they run on.</summary>
/// <remarks>
/// With <see cref="TrainerOptions.Threads"/> left <see langword="null"/>, training uses as many threads as the machine
/// has (libtorch's intra-op count, and up to 4 kernel threads for the fused engine), and the trainer's contention guard
/// may switch to one thread part-way through a run when steps slow down; libtorch's float rounding depends on its
/// thread count, so the same test can train a slightly different model on a 2-core CI runner, a 16-core workstation
/// or a busy machine. One fixed thread turns the guard off and makes a run depend only on its seed and data.
/// </remarks>
public static class TestTrainerOptions
{
    /// <summary>Sets <see cref="TrainerOptions.Threads"/> to 1. The seed stays as the test set it (the default,
    /// <see cref="TrainerOptions.Seed"/> = 0, is fixed too): every run of the test trains from the same seed.</summary>
    /// <param name="options">The test's options.</param>
    /// <returns>The same instance, for use right after an object initializer.</returns>
    public static TrainerOptions Deterministic(this TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Threads = 1;
        return options;
    }
}
