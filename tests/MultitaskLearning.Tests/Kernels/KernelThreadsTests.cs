using MultitaskLearning.Kernels;
using Xunit;

namespace MultitaskLearning.Tests.Kernels;

public sealed class KernelThreadsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Run_ExecutesEveryChunkOnce(int threads)
    {
        using var pool = new KernelThreads(threads);
        for (var job = 0; job < 200; job++)
        {
            var hits = new int[1 + (job % 9)];
            pool.Run(hits.Length, i => Interlocked.Increment(ref hits[i]));
            Assert.All(hits, h => Assert.Equal(1, h));
        }
    }

    [Fact]
    public void Run_RethrowsAChunksException()
    {
        using var pool = new KernelThreads(2);
        var error = Assert.Throws<InvalidOperationException>(() => pool.Run(4, i => throw new InvalidOperationException($"chunk {i}")));
        Assert.StartsWith("chunk", error.Message);
        var hits = 0;
        pool.Run(4, _ => Interlocked.Increment(ref hits)); // still usable
        Assert.Equal(4, hits);
    }

    [Fact]
    public void Constructor_RejectsZeroThreads() => Assert.Throws<ArgumentOutOfRangeException>(() => new KernelThreads(0));
}
