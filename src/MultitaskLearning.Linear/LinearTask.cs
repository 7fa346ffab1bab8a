using MathNet.Numerics.LinearAlgebra;

namespace MultitaskLearning.Linear;

/// <summary>One task of a linear multitask problem: a name, a design matrix X_t (n_t × d) and targets y_t.</summary>
public sealed class LinearTask
{
    /// <summary>Creates a task and checks its data.</summary>
    /// <param name="name">The task name (unique within a problem).</param>
    /// <param name="features">X_t, one row per sample.</param>
    /// <param name="targets">y_t, one value per row.</param>
    /// <exception cref="ArgumentException">No rows, row counts differ, or a value is NaN or infinite; the message names the task.</exception>
    public LinearTask(string name, Matrix<double> features, Vector<double> targets)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        if (features.RowCount == 0)
        {
            throw new ArgumentException($"Task '{name}' has no samples.", nameof(features));
        }

        if (features.RowCount != targets.Count)
        {
            throw new ArgumentException($"Task '{name}': X has {features.RowCount} rows but y has {targets.Count} values.", nameof(targets));
        }

        CheckFinite(name, features);
        for (var i = 0; i < targets.Count; i++)
        {
            if (!double.IsFinite(targets[i]))
            {
                throw new ArgumentException($"Task '{name}': y[{i}] is {targets[i]}.", nameof(targets));
            }
        }

        Name = name;
        Features = features;
        Targets = targets;
    }

    /// <summary>The task name.</summary>
    public string Name { get; }

    /// <summary>X_t (n_t × d).</summary>
    public Matrix<double> Features { get; }

    /// <summary>y_t.</summary>
    public Vector<double> Targets { get; }

    /// <summary>n_t.</summary>
    public int SampleCount => Features.RowCount;

    /// <summary>Creates a task from jagged arrays.</summary>
    /// <param name="name">The task name.</param>
    /// <param name="features">Rows of features.</param>
    /// <param name="targets">Targets.</param>
    /// <returns>The task.</returns>
    public static LinearTask FromArrays(string name, IReadOnlyList<double[]> features, IReadOnlyList<double> targets)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        if (features.Count == 0)
        {
            throw new ArgumentException($"Task '{name}' has no samples.", nameof(features));
        }

        var d = features[0].Length;
        for (var i = 0; i < features.Count; i++)
        {
            if (features[i].Length != d)
            {
                throw new ArgumentException($"Task '{name}': row {i} has {features[i].Length} features; row 0 has {d}.", nameof(features));
            }
        }

        return new LinearTask(name, Matrix<double>.Build.DenseOfRowArrays(features), Vector<double>.Build.DenseOfEnumerable(targets));
    }

    internal static void CheckFinite(string name, Matrix<double> features)
    {
        for (var i = 0; i < features.RowCount; i++)
        {
            for (var j = 0; j < features.ColumnCount; j++)
            {
                if (!double.IsFinite(features[i, j]))
                {
                    throw new ArgumentException($"Task '{name}': X[{i}, {j}] is {features[i, j]}.", nameof(features));
                }
            }
        }
    }
}
