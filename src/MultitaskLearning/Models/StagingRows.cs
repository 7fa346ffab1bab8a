using System.Runtime.InteropServices;

namespace MultitaskLearning.Models;

/// <summary>Native memory for prepared rows outside any tensor (samples, targets and label masks as float32), where a
/// <see cref="ShardWindow"/> reads the next window while the current one trains.</summary>
internal sealed unsafe class StagingRows : IDisposable
{
    public StagingRows(int rows, int sampleSize, int targetWidth, int taskCount)
    {
        Features = Allocate((long)rows * sampleSize);
        Targets = Allocate((long)rows * targetWidth);
        Present = Allocate((long)rows * taskCount);
    }

    public float* Features { get; private set; }

    public float* Targets { get; private set; }

    public float* Present { get; private set; }

    public void Dispose()
    {
        NativeMemory.AlignedFree(Features);
        NativeMemory.AlignedFree(Targets);
        NativeMemory.AlignedFree(Present);
        Features = Targets = Present = null;
    }

    /// <summary>Untouched pages of it take no resident memory until a prefetch writes them.</summary>
    private static float* Allocate(long count) => (float*)NativeMemory.AlignedAlloc((nuint)(Math.Max(count, 1) * sizeof(float)), 64);
}
