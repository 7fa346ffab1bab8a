namespace MultitaskLearning.Kernels;

/// <summary>
/// The sizes of one convolution block of the fused engine: a convolution with kernel 3 × 3 and padding 1 on
/// [<see cref="InChannels"/>, <see cref="Height"/>, <see cref="Width"/>] samples, or kernel 3 and padding 1 on
/// [<see cref="InChannels"/>, <see cref="Width"/>] samples (<see cref="Height"/> 1), stride 1, then a max-pool of
/// 2 (× 2), floor-sized.
/// </summary>
/// <param name="InChannels">Channels going in.</param>
/// <param name="OutChannels">Channels coming out.</param>
/// <param name="Height">Rows of the input (1 for one-dimensional samples).</param>
/// <param name="Width">Columns of the input (the length of one-dimensional samples).</param>
/// <param name="TwoDimensional">Whether the kernel is 3 × 3 (else 3 along <see cref="Width"/>).</param>
internal readonly record struct ConvolutionGeometry(int InChannels, int OutChannels, int Height, int Width, bool TwoDimensional)
{
    /// <summary>Kernel columns.</summary>
    public const int KernelWidth = 3;

    /// <summary>Kernel rows: 3, or 1 for one-dimensional samples.</summary>
    public int KernelHeight => TwoDimensional ? 3 : 1;

    /// <summary>Rows of the max-pool window: 2, or 1 for one-dimensional samples.</summary>
    public int PoolHeight => TwoDimensional ? 2 : 1;

    /// <summary>Rows after the max-pool (floor of half; 1 for one-dimensional samples).</summary>
    public int PooledHeight => TwoDimensional ? Height / 2 : 1;

    /// <summary>Columns after the max-pool (floor of half).</summary>
    public int PooledWidth => Width / 2;

    /// <summary>Values per row of the unfolded input: kernel rows × kernel columns × input channels.</summary>
    public int UnfoldedWidth => KernelHeight * KernelWidth * InChannels;
}
