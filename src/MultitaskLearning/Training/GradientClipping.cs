namespace MultitaskLearning.Training;

/// <summary>Global gradient-norm clipping, the same rule as PyTorch's <c>clip_grad_norm_</c>: when the norm of all
/// trained gradients together exceeds the limit, every gradient is multiplied by limit / (norm + 1e-6).</summary>
internal static class GradientClipping
{
    /// <summary>The factor to multiply the gradients by (1 when no clipping applies).</summary>
    /// <param name="norm">The global L2 norm of the gradients.</param>
    /// <param name="limit">The limit, <see cref="TrainerOptions.GradientClipNorm"/>; <see langword="null"/> disables clipping.</param>
    public static double Factor(double norm, double? limit)
    {
        if (limit is not { } max)
        {
            return 1;
        }

        var factor = max / (norm + 1e-6);
        return factor < 1 ? factor : 1;
    }
}
