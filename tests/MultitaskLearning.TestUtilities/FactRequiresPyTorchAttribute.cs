using Xunit;

namespace MultitaskLearning.TestUtilities;

/// <summary>A <see cref="FactAttribute"/> that is skipped, with the reason, where <see cref="PythonTorch.IsAvailable"/> is false.</summary>
public sealed class FactRequiresPyTorchAttribute : FactAttribute
{
    /// <summary>Creates the attribute.</summary>
    public FactRequiresPyTorchAttribute()
    {
        if (!PythonTorch.IsAvailable)
        {
            Skip = PythonTorch.SkipReason;
        }
    }
}
