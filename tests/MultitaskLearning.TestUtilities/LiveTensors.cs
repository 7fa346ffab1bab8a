using TorchSharp;

namespace MultitaskLearning.TestUtilities;

/// <summary>Counts the tensors created on this thread that are still alive (TorchSharp's dispose-scope statistics).</summary>
public static class LiveTensors
{
    /// <summary>The number of live tensors created on the current thread.</summary>
    public static long Count => DisposeScopeManager.Statistics.ThreadTotalLiveCount;
}
