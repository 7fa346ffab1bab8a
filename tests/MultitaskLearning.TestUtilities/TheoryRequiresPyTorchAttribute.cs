using Xunit;

namespace MultitaskLearning.TestUtilities;

/// <summary>A <see cref="TheoryAttribute"/> that is skipped, with the reason, where <see cref="PythonTorch.IsAvailable"/> is false.</summary>
public sealed class TheoryRequiresPyTorchAttribute : TheoryAttribute
{
    /// <summary>Creates the attribute.</summary>
    public TheoryRequiresPyTorchAttribute()
    {
        if (!PythonTorch.IsAvailable)
        {
            Skip = PythonTorch.SkipReason;
        }
    }
}
