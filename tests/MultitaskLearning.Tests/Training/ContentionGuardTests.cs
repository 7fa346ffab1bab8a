using MultitaskLearning.Training;
using Xunit;

namespace MultitaskLearning.Tests.Training;

/// <summary>The guard's decisions on simulated step times (seconds per step for each thread count).</summary>
public sealed class ContentionGuardTests
{
    [Fact]
    public void IdleMachine_ProbesOneThreadOnceAndStaysOnMany()
    {
        var used = new List<int>();
        var threads = 2;
        var guard = new ContentionGuard(2, t => { threads = t; used.Add(t); });
        Run(guard, () => threads, windows: 40, many: 1.0, one: 1.7);
        Assert.Equal([1, 2], used); // one probe after warm-up, then back
        Assert.Equal(2, threads);
    }

    [Fact]
    public void BusyFromTheStart_SwitchesToOneThread_AndRechecks()
    {
        var threads = 2;
        var guard = new ContentionGuard(2, t => threads = t);
        Run(guard, () => threads, windows: 3, many: 4.0, one: 1.1);
        Assert.Equal(1, threads);

        // Still busy: after RecheckWindows on one thread it probes two threads once and comes back.
        var log = new List<int>();
        for (var w = 0; w < ContentionGuard.RecheckWindows + 1; w++)
        {
            Window(guard, threads == 2 ? 4.0 : 1.1);
            log.Add(threads);
        }

        Assert.Contains(2, log);
        Assert.Equal(1, threads);

        // The machine becomes free: the next recheck finds two threads faster and stays there.
        Run(guard, () => threads, windows: ContentionGuard.RecheckWindows + 2, many: 1.0, one: 1.7);
        Assert.Equal(2, threads);
    }

    [Fact]
    public void ContentionStartingLater_IsDetected()
    {
        var threads = 2;
        var guard = new ContentionGuard(2, t => threads = t);
        Run(guard, () => threads, windows: 12, many: 1.0, one: 1.7);
        Assert.Equal(2, threads);
        Run(guard, () => threads, windows: ContentionGuard.RecheckWindows, many: 3.0, one: 1.7); // before the next recheck
        Assert.Equal(1, threads);
        Assert.True(guard.Switches >= 3);
    }

    [Fact]
    public void OneSlowWindow_IsIgnored()
    {
        var threads = 2;
        var guard = new ContentionGuard(2, t => threads = t, probeAtStart: false);
        Run(guard, () => threads, windows: 12, many: 1.0, one: 1.7);
        Window(guard, 3.0);
        Run(guard, () => threads, windows: 12, many: 1.0, one: 1.7);
        Assert.Equal(0, guard.Switches);
    }

    [Fact]
    public void LowUtilization_WithoutProbeAtStart_SwitchesAfterTwoWindows()
    {
        var threads = 2;
        var guard = new ContentionGuard(2, t => threads = t, probeAtStart: false, minimumUtilization: 0.8);
        for (var w = 0; w < 3; w++)
        {
            Window(guard, threads == 1 ? 1.1 : 1.6, utilization: 0.6);
        }

        Assert.Equal(1, threads);
    }

    private static void Run(ContentionGuard guard, Func<int> threads, int windows, double many, double one)
    {
        for (var w = 0; w < windows; w++)
        {
            Window(guard, threads() == 1 ? one : many);
        }
    }

    private static void Window(ContentionGuard guard, double seconds, double utilization = double.NaN)
    {
        for (var s = 0; s < ContentionGuard.WindowSteps; s++)
        {
            guard.Record(seconds * (1 + (0.01 * (s % 3))), s == ContentionGuard.WindowSteps - 1 ? utilization : double.NaN);
        }
    }
}
