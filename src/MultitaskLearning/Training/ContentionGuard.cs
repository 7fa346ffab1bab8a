using System.Diagnostics;
using static TorchSharp.torch;

namespace MultitaskLearning.Training;

/// <summary>
/// Keeps multi-threaded steps from slowing down when another process takes a core. libtorch's OpenMP threads wait for
/// each other at the end of every operation; when one of them has to share its core, every operation waits for that
/// thread's next time slice, and a 2-thread step becomes several times slower than a 1-thread step (see the README's
/// busy-machine benchmark); the fused engine's threads lose less, but still more than they gain. The guard times the
/// steps in windows of <see cref="WindowSteps"/> and compares the configured thread count with one thread: once after
/// the first (warm-up) window when the engine's results do not depend on the thread count (the fused engine), again
/// when two windows in a row are <see cref="SlowdownTrigger"/> times slower than the best window so far or use too
/// little CPU, and, while on one thread, every <see cref="RecheckWindows"/> windows to return when the machine is free
/// again.
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
    private Phase phase = Phase.WarmUp;
    private double bestMany = double.PositiveInfinity;
    private double lastMany = double.NaN;
    private double lastOne = double.NaN;
    private int windowsSinceDecision;
    private readonly bool probeAtStart;
    private bool utilizationLow;
    private int suspiciousWindows;
    private readonly double minimumUtilization;
    private long windowStarted;
    private TimeSpan windowCpuStarted;

    /// <summary>Creates a guard.</summary>
    /// <param name="threads">The configured thread count (more than 1), in use now.</param>
    /// <param name="apply">Sets the number of threads the steps use.</param>
    /// <param name="probeAtStart">Whether to compare with one thread once after the warm-up window (for engines whose
    /// results do not depend on the thread count).</param>
    /// <param name="minimumUtilization">Also probe one thread when the process used less than this fraction of
    /// <paramref name="threads"/> cores during a window (0 to disable).</param>
    public ContentionGuard(int threads, Action<int> apply, bool probeAtStart = true, double minimumUtilization = 0)
    {
        many = threads;
        current = threads;
        this.apply = apply;
        this.probeAtStart = probeAtStart;
        this.minimumUtilization = minimumUtilization;
    }

    /// <summary>For the autograd engine: libtorch's intra-op threads. libtorch's results can differ in the last bits
    /// between thread counts, so on an idle machine the guard never switches: it probes one thread only when steps slow
    /// down or when libtorch's threads (which spin between operations) get less than 80 % of their cores.</summary>
    /// <param name="switched">Called with the new thread count after every switch.</param>
    public static ContentionGuard ForLibtorch(Action<int>? switched = null) => new(
        get_num_threads(),
        count =>
        {
            set_num_threads(count);
            switched?.Invoke(count);
        },
        probeAtStart: false,
        minimumUtilization: 0.8);



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

    /// <summary>The CPU time the process has used, over all its threads (read once per window).</summary>
    private static TimeSpan ProcessorTime()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    public void StepStarted()
    {
        started = Stopwatch.GetTimestamp();
        if (count == 0 && minimumUtilization > 0)
        {
            windowStarted = started;
            windowCpuStarted = ProcessorTime();
        }
    }

    public void StepFinished()
    {
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var utilization = double.NaN;
        if (count == WindowSteps - 1 && minimumUtilization > 0)
        {
            // CPU time the process used per thread per second of the window (1 = every thread had its core).
            var wall = Stopwatch.GetElapsedTime(windowStarted).TotalSeconds;
            utilization = (ProcessorTime() - windowCpuStarted).TotalSeconds / (wall * current);
        }

        Record(seconds, utilization);
    }

    /// <summary>Adds one step's duration (and, at the end of a window, the window's CPU utilization); every
    /// <see cref="WindowSteps"/> steps the guard decides.</summary>
    public void Record(double seconds, double utilization = double.NaN)
    {
        samples[count++] = seconds;
        if (count < WindowSteps)
        {
            return;
        }

        utilizationLow = minimumUtilization > 0 && utilization < minimumUtilization;

        count = 0;
        Array.Sort(samples);
        Decide((samples[(WindowSteps / 2) - 1] + samples[WindowSteps / 2]) / 2);
    }

    private void Decide(double median)
    {
        windowsSinceDecision++;
        switch (phase)
        {
            case Phase.WarmUp:
                phase = Phase.Many; // the first window includes JIT compilation and allocator warm-up
                suspiciousWindows = utilizationLow ? 1 : 0;
                break;
            case Phase.Many:
                lastMany = median;
                bestMany = Math.Min(bestMany, median);
                // Two suspicious windows in a row, so that a passing hiccup does not move the run to one thread.
                suspiciousWindows = median > SlowdownTrigger * bestMany || utilizationLow ? suspiciousWindows + 1 : 0;
                var firstCheck = probeAtStart && double.IsNaN(lastOne);
                var slowedDown = suspiciousWindows >= 2 && (windowsSinceDecision >= RecheckWindows || double.IsNaN(lastOne));
                if (firstCheck || slowedDown)
                {
                    Use(1, Phase.ProbingOne);
                }

                break;
            case Phase.ProbingOne:
                lastOne = median;
                suspiciousWindows = 0;
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
