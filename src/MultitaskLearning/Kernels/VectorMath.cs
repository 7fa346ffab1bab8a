using System.Numerics;
using System.Runtime.CompilerServices;

namespace MultitaskLearning.Kernels;

/// <summary>The element-wise and reduction loops of the fused training engine, on <see cref="Vector{T}"/>.</summary>
internal static unsafe class VectorMath
{
    /// <summary>x ← max(x, 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ReluInPlace(float* x, long length)
    {
        long i = 0;
        var width = Vector<float>.Count;
        for (; i + width <= length; i += width)
        {
            Vector.Max(Vector.Load(x + i), Vector<float>.Zero).Store(x + i);
        }

        for (; i < length; i++)
        {
            x[i] = MathF.Max(x[i], 0);
        }
    }

    /// <summary>gradient ← gradient where activation &gt; 0, else 0 (the derivative of ReLU through its output).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ReluBackward(float* gradient, float* activation, long length)
    {
        long i = 0;
        var width = Vector<float>.Count;
        for (; i + width <= length; i += width)
        {
            var keep = Vector.GreaterThan(Vector.Load(activation + i), Vector<float>.Zero);
            Vector.ConditionalSelect(keep, Vector.Load(gradient + i), Vector<float>.Zero).Store(gradient + i);
        }

        for (; i < length; i++)
        {
            gradient[i] = activation[i] > 0 ? gradient[i] : 0;
        }
    }

    /// <summary>Copies <paramref name="row"/> into each of the <paramref name="rows"/> rows of <paramref name="matrix"/>.</summary>
    public static void BroadcastRows(float* row, int width, float* matrix, int rows) => BroadcastRows(row, width, matrix, rows, width);

    /// <summary>Copies <paramref name="row"/> into the first <paramref name="width"/> values of each of the
    /// <paramref name="rows"/> rows of <paramref name="matrix"/>, whose rows are <paramref name="stride"/> apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BroadcastRows(float* row, int width, float* matrix, int rows, int stride)
    {
        var bytes = (uint)(width * sizeof(float));
        for (var i = 0; i < rows; i++)
        {
            Unsafe.CopyBlockUnaligned(matrix + ((long)i * stride), row, bytes);
        }
    }

    /// <summary>sums[j] ← Σ_i matrix[i, j] over <paramref name="rows"/> rows of width <paramref name="width"/>.</summary>
    public static void ColumnSums(float* matrix, int rows, int width, float* sums) => ColumnSums(matrix, rows, width, width, sums);

    /// <summary>sums[j] ← Σ_i matrix[i·stride + j] for j &lt; <paramref name="width"/> over <paramref name="rows"/> rows
    /// (added to the sums already there when <paramref name="accumulate"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ColumnSums(float* matrix, int rows, int width, int stride, float* sums, bool accumulate = false)
    {
        if (!accumulate)
        {
            new Span<float>(sums, width).Clear();
        }

        for (var i = 0; i < rows; i++)
        {
            Add(matrix + ((long)i * stride), sums, width);
        }
    }

    /// <summary>target ← target + source.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Add(float* source, float* target, long length)
    {
        long i = 0;
        var width = Vector<float>.Count;
        for (; i + width <= length; i += width)
        {
            (Vector.Load(target + i) + Vector.Load(source + i)).Store(target + i);
        }

        for (; i < length; i++)
        {
            target[i] += source[i];
        }
    }

    /// <summary>Each value of a row becomes (v − mean) / scale, a NaN first becoming fill: the preprocessing of one
    /// sample, element by element as the scalar form computes it (the same float operations, so the same bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Standardize(Span<float> row, ReadOnlySpan<float> mean, ReadOnlySpan<float> scale, ReadOnlySpan<float> fill)
    {
        var i = 0;
        var width = Vector<float>.Count;
        for (; i + width <= row.Length; i += width)
        {
            var v = new Vector<float>(row[i..]);
            v = Vector.ConditionalSelect(Vector.Equals(v, v), v, new Vector<float>(fill[i..]));
            ((v - new Vector<float>(mean[i..])) / new Vector<float>(scale[i..])).CopyTo(row[i..]);
        }

        for (; i < row.Length; i++)
        {
            var v = float.IsNaN(row[i]) ? fill[i] : row[i];
            row[i] = (v - mean[i]) / scale[i];
        }
    }

    /// <summary>target ← x ⊙ y, element by element (<paramref name="target"/> may be <paramref name="x"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(float* x, float* y, float* target, long length)
    {
        long i = 0;
        var width = Vector<float>.Count;
        for (; i + width <= length; i += width)
        {
            (Vector.Load(x + i) * Vector.Load(y + i)).Store(target + i);
        }

        for (; i < length; i++)
        {
            target[i] = x[i] * y[i];
        }
    }

    /// <summary>target ← target + α·source.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyAdd(float alpha, float* source, float* target, long length)
    {
        long i = 0;
        var width = Vector<float>.Count;
        var a = new Vector<float>(alpha);
        for (; i + width <= length; i += width)
        {
            (Vector.Load(target + i) + (a * Vector.Load(source + i))).Store(target + i);
        }

        for (; i < length; i++)
        {
            target[i] += alpha * source[i];
        }
    }

    /// <summary>x ← α·x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Scale(float alpha, float* x, long length)
    {
        long i = 0;
        var width = Vector<float>.Count;
        var a = new Vector<float>(alpha);
        for (; i + width <= length; i += width)
        {
            (a * Vector.Load(x + i)).Store(x + i);
        }

        for (; i < length; i++)
        {
            x[i] *= alpha;
        }
    }

    /// <summary>Σ x_i y_i, accumulated in single precision per block of 4,096 and in double precision across blocks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Dot(float* x, float* y, long length)
    {
        double total = 0;
        var width = Vector<float>.Count;
        for (long start = 0; start < length; start += 4096)
        {
            var end = Math.Min(length, start + 4096);
            var acc = Vector<float>.Zero;
            var i = start;
            for (; i + width <= end; i += width)
            {
                acc += Vector.Load(x + i) * Vector.Load(y + i);
            }

            double block = Vector.Sum(acc);
            for (; i < end; i++)
            {
                block += x[i] * y[i];
            }

            total += block;
        }

        return total;
    }

    /// <summary>One step of PyTorch's SGD for a contiguous group of parameters: d = g + λθ; v ← d on the first step,
    /// else μv + d; d ← d + μv (Nesterov) or v; θ ← θ − η·d.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SgdStep(float* parameters, float* gradients, float* velocity, long length, float learningRate, float momentum, float weightDecay, bool nesterov, bool firstStep)
    {
        var width = Vector<float>.Count;
        var lr = new Vector<float>(learningRate);
        var mu = new Vector<float>(momentum);
        var decay = new Vector<float>(weightDecay);
        long i = 0;
        if (momentum == 0)
        {
            for (; i + width <= length; i += width)
            {
                var p = Vector.Load(parameters + i);
                var d = Vector.Load(gradients + i) + (decay * p);
                (p - (lr * d)).Store(parameters + i);
            }

            for (; i < length; i++)
            {
                parameters[i] -= learningRate * (gradients[i] + (weightDecay * parameters[i]));
            }

            return;
        }

        for (; i + width <= length; i += width)
        {
            var p = Vector.Load(parameters + i);
            var d = Vector.Load(gradients + i) + (decay * p);
            var v = firstStep ? d : (mu * Vector.Load(velocity + i)) + d;
            v.Store(velocity + i);
            var update = nesterov ? d + (mu * v) : v;
            (p - (lr * update)).Store(parameters + i);
        }

        for (; i < length; i++)
        {
            var d = gradients[i] + (weightDecay * parameters[i]);
            var v = firstStep ? d : (momentum * velocity[i]) + d;
            velocity[i] = v;
            parameters[i] -= learningRate * (nesterov ? d + (momentum * v) : v);
        }
    }

    /// <summary>
    /// One step of TorchSharp's (and PyTorch's) Adam or AdamW for a contiguous group of parameters that have all had
    /// <paramref name="step"/> updates, this one included (t ≥ 1): with L2 decay (Adam) g ← g + λθ, with decoupled
    /// decay (AdamW) θ ← θ(1 − ηλ); m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²;
    /// θ ← θ − η/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε). No AMSGrad, no maximise.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AdamStep(float* parameters, float* gradients, float* firstMoments, float* secondMoments, long length, double learningRate, double beta1, double beta2, double epsilon, double weightDecay, bool decoupledDecay, long step)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        var stepSize = (float)(learningRate / (1 - Math.Pow(beta1, step)));
        var correction = (float)Math.Sqrt(1 - Math.Pow(beta2, step));
        var shrink = decoupledDecay ? (float)(1 - (learningRate * weightDecay)) : 1f;
        var decay = decoupledDecay ? 0f : (float)weightDecay;
        var (b1, b2) = ((float)beta1, (float)beta2);
        var (c1, c2) = ((float)(1 - beta1), (float)(1 - beta2));
        var eps = (float)epsilon;
        var width = Vector<float>.Count;
        long i = 0;
        for (; i + width <= length; i += width)
        {
            var p = Vector.Load(parameters + i) * new Vector<float>(shrink);
            var g = Vector.Load(gradients + i) + (new Vector<float>(decay) * Vector.Load(parameters + i));
            var m = (Vector.Load(firstMoments + i) * new Vector<float>(b1)) + (g * new Vector<float>(c1));
            var v = (Vector.Load(secondMoments + i) * new Vector<float>(b2)) + (g * g * new Vector<float>(c2));
            m.Store(firstMoments + i);
            v.Store(secondMoments + i);
            var denominator = (Vector.SquareRoot(v) / new Vector<float>(correction)) + new Vector<float>(eps);
            (p - (new Vector<float>(stepSize) * m / denominator)).Store(parameters + i);
        }

        for (; i < length; i++)
        {
            var g = gradients[i] + (decay * parameters[i]);
            var m = (firstMoments[i] * b1) + (g * c1);
            var v = (secondMoments[i] * b2) + (g * g * c2);
            firstMoments[i] = m;
            secondMoments[i] = v;
            parameters[i] = (parameters[i] * shrink) - (stepSize * m / ((MathF.Sqrt(v) / correction) + eps));
        }
    }
}
