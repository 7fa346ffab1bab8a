namespace MultitaskLearning.Training.Aggregation;

/// <summary>Dense linear algebra on the small k × k matrices of gradient aggregation (k = number of tasks).</summary>
internal static class SmallLinearAlgebra
{
    /// <summary>Solves A x = b by Gaussian elimination with partial pivoting; returns null when A is singular.</summary>
    public static double[]? Solve(double[,] a, double[] b)
    {
        var n = b.Length;
        var m = (double[,])a.Clone();
        var x = (double[])b.Clone();
        for (var column = 0; column < n; column++)
        {
            var pivot = column;
            for (var row = column + 1; row < n; row++)
            {
                if (Math.Abs(m[row, column]) > Math.Abs(m[pivot, column]))
                {
                    pivot = row;
                }
            }

            if (Math.Abs(m[pivot, column]) < 1e-300)
            {
                return null;
            }

            if (pivot != column)
            {
                for (var j = 0; j < n; j++)
                {
                    (m[pivot, j], m[column, j]) = (m[column, j], m[pivot, j]);
                }

                (x[pivot], x[column]) = (x[column], x[pivot]);
            }

            for (var row = column + 1; row < n; row++)
            {
                var factor = m[row, column] / m[column, column];
                for (var j = column; j < n; j++)
                {
                    m[row, j] -= factor * m[column, j];
                }

                x[row] -= factor * x[column];
            }
        }

        for (var row = n - 1; row >= 0; row--)
        {
            var sum = x[row];
            for (var j = row + 1; j < n; j++)
            {
                sum -= m[row, j] * x[j];
            }

            x[row] = sum / m[row, row];
        }

        return x;
    }

    /// <summary>Eigenvalues and eigenvectors (columns) of a symmetric matrix by cyclic Jacobi rotations.</summary>
    public static (double[] Values, double[,] Vectors) SymmetricEigen(double[,] symmetric)
    {
        var n = symmetric.GetLength(0);
        var a = (double[,])symmetric.Clone();
        var v = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            v[i, i] = 1;
        }

        for (var sweep = 0; sweep < 100; sweep++)
        {
            double off = 0;
            for (var p = 0; p < n; p++)
            {
                for (var q = p + 1; q < n; q++)
                {
                    off += a[p, q] * a[p, q];
                }
            }

            if (off < 1e-30)
            {
                break;
            }

            for (var p = 0; p < n; p++)
            {
                for (var q = p + 1; q < n; q++)
                {
                    if (Math.Abs(a[p, q]) < 1e-300)
                    {
                        continue;
                    }

                    var theta = (a[q, q] - a[p, p]) / (2 * a[p, q]);
                    var t = Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt((theta * theta) + 1));
                    var c = 1 / Math.Sqrt((t * t) + 1);
                    var s = t * c;
                    for (var k = 0; k < n; k++)
                    {
                        var akp = a[k, p];
                        var akq = a[k, q];
                        a[k, p] = (c * akp) - (s * akq);
                        a[k, q] = (s * akp) + (c * akq);
                    }

                    for (var k = 0; k < n; k++)
                    {
                        var apk = a[p, k];
                        var aqk = a[q, k];
                        a[p, k] = (c * apk) - (s * aqk);
                        a[q, k] = (s * apk) + (c * aqk);
                    }

                    for (var k = 0; k < n; k++)
                    {
                        var vkp = v[k, p];
                        var vkq = v[k, q];
                        v[k, p] = (c * vkp) - (s * vkq);
                        v[k, q] = (s * vkp) + (c * vkq);
                    }
                }
            }
        }

        var values = new double[n];
        for (var i = 0; i < n; i++)
        {
            values[i] = a[i, i];
        }

        return (values, v);
    }

    /// <summary>
    /// Minimises wᵀ G w over a convex set by accelerated projected gradient (step 1/(2 λ_max(G))) with adaptive restart,
    /// from <paramref name="start"/>, until w changes by less than <paramref name="tolerance"/> (L1) or
    /// <paramref name="maxIterations"/> steps.
    /// </summary>
    public static double[] MinimizeQuadratic(double[,] gram, double[] start, Func<double[], double[]> project, int maxIterations, double tolerance)
    {
        var k = start.Length;
        var (values, _) = SymmetricEigen(gram);
        var lipschitz = 2 * values.Max();
        var w = (double[])start.Clone();
        if (!(lipschitz > 0))
        {
            return w;
        }

        var y = (double[])w.Clone();
        double t = 1;
        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            var next = new double[k];
            for (var i = 0; i < k; i++)
            {
                next[i] = y[i] - (2 * Row(gram, y, i) / lipschitz);
            }

            next = project(next);
            if (Quadratic(gram, next) > Quadratic(gram, w))
            {
                y = (double[])w.Clone();
                t = 1;
                continue;
            }

            var tNext = (1 + Math.Sqrt(1 + (4 * t * t))) / 2;
            double change = 0;
            for (var i = 0; i < k; i++)
            {
                change += Math.Abs(next[i] - w[i]);
                y[i] = next[i] + ((t - 1) / tNext * (next[i] - w[i]));
            }

            w = next;
            t = tNext;
            if (change < tolerance)
            {
                break;
            }
        }

        return w;
    }

    /// <summary>wᵀ G w.</summary>
    public static double Quadratic(double[,] gram, double[] w)
    {
        double sum = 0;
        for (var i = 0; i < w.Length; i++)
        {
            for (var j = 0; j < w.Length; j++)
            {
                sum += w[i] * gram[i, j] * w[j];
            }
        }

        return sum;
    }

    /// <summary>(G w)_i.</summary>
    public static double Row(double[,] gram, double[] w, int i)
    {
        double sum = 0;
        for (var j = 0; j < w.Length; j++)
        {
            sum += gram[i, j] * w[j];
        }

        return sum;
    }
}
