namespace MultitaskLearning.Runtime;

/// <summary>
/// A seeded random source whose complete state can be saved and restored, so that a training run resumed from a
/// checkpoint draws exactly the numbers the uninterrupted run would have drawn (<see cref="System.Random"/> hides its
/// state). The generator is xoshiro256** (Blackman and Vigna, 2018) seeded through SplitMix64; every
/// <see cref="System.Random"/> method, including <see cref="System.Random.Shuffle{T}(T[])"/>, draws from it.
/// </summary>
internal sealed class SeededRandom : Random
{
    private ulong s0;
    private ulong s1;
    private ulong s2;
    private ulong s3;

    /// <summary>Creates a generator from a seed.</summary>
    /// <param name="seed">The seed; equal seeds give equal sequences on every machine.</param>
    public SeededRandom(long seed)
    {
        var x = unchecked((ulong)seed);
        s0 = SplitMix(ref x);
        s1 = SplitMix(ref x);
        s2 = SplitMix(ref x);
        s3 = SplitMix(ref x);
    }

    /// <summary>The generator's state: four 64-bit words.</summary>
    /// <returns>A copy of the state.</returns>
    public ulong[] SaveState() => [s0, s1, s2, s3];

    /// <summary>Restores a state returned by <see cref="SaveState"/>.</summary>
    /// <param name="state">Four words, not all zero.</param>
    /// <exception cref="ArgumentException">The state does not have four words or is all zero.</exception>
    public void RestoreState(IReadOnlyList<ulong> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Count != 4 || state.All(w => w == 0))
        {
            throw new ArgumentException($"A random state has four 64-bit words, not all zero; got {state.Count} words.", nameof(state));
        }

        (s0, s1, s2, s3) = (state[0], state[1], state[2], state[3]);
    }

    /// <summary>The state as eight doubles (32-bit halves, each exactly representable), for state stores that hold doubles.</summary>
    /// <returns>Eight values.</returns>
    public double[] SaveStateAsDoubles() => SaveState().SelectMany(w => new double[] { w >> 32, w & 0xFFFF_FFFF }).ToArray();

    /// <summary>Restores a state saved with <see cref="SaveStateAsDoubles"/>.</summary>
    /// <param name="values">Eight values.</param>
    /// <exception cref="ArgumentException">The values are not eight 32-bit integers.</exception>
    public void RestoreStateFromDoubles(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count != 8 || values.Any(v => v < 0 || v > uint.MaxValue || v != Math.Floor(v)))
        {
            throw new ArgumentException("A random state saved as doubles has eight 32-bit integers.", nameof(values));
        }

        RestoreState(Enumerable.Range(0, 4).Select(i => ((ulong)values[2 * i] << 32) | (ulong)values[(2 * i) + 1]).ToArray());
    }

    /// <inheritdoc/>
    public override int Next() => (int)Below(int.MaxValue);

    /// <inheritdoc/>
    public override int Next(int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxValue);
        return (int)Below((ulong)maxValue);
    }

    /// <inheritdoc/>
    public override int Next(int minValue, int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        return (int)(minValue + (long)Below((ulong)((long)maxValue - minValue)));
    }

    /// <inheritdoc/>
    public override long NextInt64() => (long)Below(long.MaxValue);

    /// <inheritdoc/>
    public override long NextInt64(long maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxValue);
        return (long)Below((ulong)maxValue);
    }

    /// <inheritdoc/>
    public override long NextInt64(long minValue, long maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        return unchecked(minValue + (long)Below((ulong)(maxValue - minValue)));
    }

    /// <inheritdoc/>
    public override double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <inheritdoc/>
    public override float NextSingle() => (NextUInt64() >> 40) * (1.0f / (1U << 24));

    /// <inheritdoc/>
    public override void NextBytes(byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        NextBytes(buffer.AsSpan());
    }

    /// <inheritdoc/>
    public override void NextBytes(Span<byte> buffer)
    {
        for (var i = 0; i < buffer.Length; i++)
        {
            buffer[i] = (byte)(NextUInt64() >> 56);
        }
    }

    /// <inheritdoc/>
    protected override double Sample() => NextDouble();

    private static ulong SplitMix(ref ulong x)
    {
        unchecked
        {
            var z = x += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>A uniform integer in [0, bound) without modulo bias (Lemire's multiply-and-reject).</summary>
    private ulong Below(ulong bound)
    {
        if (bound <= 1)
        {
            return 0;
        }

        var threshold = unchecked(0 - bound) % bound;
        while (true)
        {
            var high = Math.BigMul(NextUInt64(), bound, out var low);
            if (low >= threshold)
            {
                return high;
            }
        }
    }

    private ulong NextUInt64()
    {
        unchecked
        {
            var result = ulong.RotateLeft(s1 * 5, 7) * 9;
            var t = s1 << 17;
            s2 ^= s0;
            s3 ^= s1;
            s1 ^= s2;
            s0 ^= s3;
            s2 ^= t;
            s3 = ulong.RotateLeft(s3, 45);
            return result;
        }
    }
}
