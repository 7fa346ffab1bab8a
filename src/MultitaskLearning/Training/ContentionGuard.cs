using System.Diagnostics;
using static TorchSharp.torch;

namespace MultitaskLearning.Training;

/// <summary>
/// Keeps multi-threaded steps from slowing down when another process takes a core. libtorch's OpenMP threads wait for
/// each other at the end of every operation; when one of them has to share its core, every operation waits for that
/// thread's next time slice, and a 2-thread step becomes several times slower than a 1-thread step (see the README's
/// busy-machine benchmark); the fused engine's threads lose less, but still more than they gain. The guard times the
/// steps in windows of <see cref="WindowSteps"/> and compares the configured thread count with one thread: once after the first (warm-up)
/// window, again whenever a window is <see cref="SlowdownTrigger"/> times slower than the best window so far, and,
/// while on one thread, every <see cref="RecheckWindows"/> windows to return when the machine is free again. On an
/// idle machine it costs one window on one thread per Fit.
/// </summary>
/// <remarks>Used only when <see cref="TrainerOptions.Threads"/> is <see langword="null"/>, the engine has more than one
/// thread and the model is on the CPU; the trainer restores libtorch's thread count after Fit.</remarks>
internal sealed class ContentionGuard
{
    public const int WindowSteps = 16;

    public const double SlowdownTrigger = 1.5;

    public const int RecheckWindows = 8;

    private readonly int many;
    private readonly Action<int> apply;
    private int current;
    private readonly double[] samples = new double[WindowSteps];
    private int count;
    private long started;
    private int windows;
    private Phase phase = Phase.WarmUp;
    private double bestMany = double.PositiveInfinity;
    private double lastMany = double.NaN;
    private double lastOne = double.NaN;
    private int windowsSinceDecision;

    /// <summary>Creates a guard.</summary>
    /// <param name="threads">The configured thread count (more than 1), in use now.</param>
    /// <param name="apply">Sets the number of threads the steps use.</param>
    public ContentionGuard(int threads, Action<int> apply)
    {
        many = threads;
        current = threads;
        this.apply = apply;
    }

    /// <summary>For the autograd engine: libtorch's intra-op threads.</summary>
    public static ContentionGuard ForLibtorch() => new(get_num_threads(), set_num_threads);

    private enum Phase
    {
        WarmUp,
        Many,
        ProbingOne,
        One,
        ProbingMany,
    }

    /// <summary>The number of switches between libtorch's thread count and one thread so far.</summary>
    public int Switches { get; private set; }

    public void StepStarted() => started = Stopwatch.GetTimestamp();

    public void StepFinished() => Record(Stopwatch.GetElapsedTime(started).TotalSeconds);

    /// <summary>Adds one step's duration; every <see cref="WindowSteps"/> steps the guard decides.</summary>
    public void Record(double seconds)
    {
        samples[count++] = seconds;
        if (count < WindowSteps)
        {
            return;
        }

        count = 0;
        Array.Sort(samples);
        Decide((samples[(WindowSteps / 2) - 1] + samples[WindowSteps / 2]) / 2);
    }

    private void Decide(double median)
    {
        windows++;
        windowsSinceDecision++;
        switch (phase)
        {
            case Phase.WarmUp:
                phase = Phase.Many; // the first window includes JIT compilation and allocator warm-up
                break;
            case Phase.Many:
                lastMany = median;
                bestMany = Math.Min(bestMany, median);
                var firstCheck = double.IsNaN(lastOne);
                var slowedDown = median > SlowdownTrigger * bestMany && windowsSinceDecision >= RecheckWindows;
                if (firstCheck || slowedDown)
                {
                    Use(1, Phase.ProbingOne);
                }

                break;
            case Phase.ProbingOne:
                lastOne = median;
                if (lastOne < lastMany)
                {
                    phase = Phase.One;
                    windowsSinceDecision = 0;
                }
                else
                {
                    Use(many, Phase.Many);
                    windowsSinceDecision = 0;
                }

                break;
            case Phase.One:
                lastOne = median;
                if (windowsSinceDecision >= RecheckWindows)
                {
                    Use(many, Phase.ProbingMany);
                }

                break;
            case Phase.ProbingMany:
                lastMany = median;
                if (median < lastOne)
                {
                    phase = Phase.Many;
                    bestMany = Math.Min(bestMany, median);
                }
                else
                {
                    Use(1, Phase.One);
                }

                windowsSinceDecision = 0;
                break;
        }
    }

    private void Use(int threads, Phase next)
    {
        if (current != threads)
        {
            apply(threads);
            current = threads;
            Switches++;
        }

        phase = next;
    }
}
