namespace MultitaskLearning.Kernels;

/// <summary>
/// A small pool for the fused training kernels: the calling thread plus <c>Count − 1</c> dedicated workers take the
/// chunks of a job one at a time from a shared counter. Idle workers spin briefly and then block, so the pool does
/// not hold a core between steps, and a worker that loses its core to another process only delays the chunk it holds
/// (the caller takes the rest), rather than stalling every operation as statically scheduled OpenMP threads do.
/// </summary>
internal sealed class KernelThreads : IDisposable
{
    private readonly Thread[] workers;
    private readonly SemaphoreSlim wake = new(0);
    private readonly ManualResetEventSlim done = new(false, spinCount: 2000);
    private volatile Batch? current;
    private volatile bool disposed;
    private int active;

    /// <summary>Creates a pool.</summary>
    /// <param name="count">Threads taking part, the caller included (≥ 1).</param>
    public KernelThreads(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Count = count;
        active = count;
        workers = new Thread[count - 1];
        for (var i = 0; i < workers.Length; i++)
        {
            workers[i] = new Thread(WorkerLoop) { IsBackground = true, Name = $"mtl-kernel-{i + 1}" };
            workers[i].Start();
        }
    }

    /// <summary>Threads the pool has, the caller included.</summary>
    public int Count { get; }

    /// <summary>Threads that take part in jobs (1 … <see cref="Count"/>; the others stay blocked).</summary>
    public int Active
    {
        get => active;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, Count);
            active = value;
        }
    }

    /// <summary>Runs <paramref name="body"/> for chunks 0 … <paramref name="chunks"/> − 1 and returns when all are done.</summary>
    /// <param name="chunks">The number of chunks.</param>
    /// <param name="body">The work of one chunk; chunks run concurrently.</param>
    public void Run(int chunks, Action<int> body)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (active == 1 || chunks <= 1)
        {
            for (var i = 0; i < chunks; i++)
            {
                body(i);
            }

            return;
        }

        var batch = new Batch(body, chunks, done);
        done.Reset();
        current = batch;
        wake.Release(Math.Min(active - 1, chunks - 1));
        batch.Work();
        done.Wait();
        current = null;
        if (batch.Failure is { } failure)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        if (workers.Length > 0)
        {
            wake.Release(workers.Length);
        }
        foreach (var worker in workers)
        {
            worker.Join();
        }

        wake.Dispose();
        done.Dispose();
    }

    private void WorkerLoop()
    {
        while (true)
        {
            wake.Wait();
            if (disposed)
            {
                return;
            }

            current?.Work();
        }
    }

    /// <summary>The chunks of one job; a worker that wakes late finds nothing left to take.</summary>
    private sealed class Batch(Action<int> body, int total, ManualResetEventSlim done)
    {
        private int next;
        private int completed;

        public Exception? Failure { get; private set; }

        public void Work()
        {
            int chunk;
            while ((chunk = Interlocked.Increment(ref next) - 1) < total)
            {
                try
                {
                    body(chunk);
                }
                catch (Exception e)
                {
                    Failure ??= e;
                }

                if (Interlocked.Increment(ref completed) == total)
                {
                    done.Set();
                }
            }
        }
    }
}
