namespace MultitaskLearning.Samples;

/// <summary>Calls the handler on the reporting thread (unlike <see cref="Progress{T}"/>, which posts to the thread pool).</summary>
/// <typeparam name="T">The report.</typeparam>
internal sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}
