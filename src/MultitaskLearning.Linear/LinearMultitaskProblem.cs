using MathNet.Numerics.LinearAlgebra;

namespace MultitaskLearning.Linear;

/// <summary>
/// T tasks with their own data (X_t, y_t), a shared feature count d, a loss, and whether each task has an
/// unpenalised bias b_t. The weights form W = [w_1 … w_T] (d × T). Build the shared-design case (one X, several
/// outputs) with <see cref="SharedDesign"/>.
/// </summary>
public sealed class LinearMultitaskProblem
{
    /// <summary>Creates a problem and checks the tasks against each other and the loss.</summary>
    /// <param name="tasks">The tasks (unique names, equal feature counts).</param>
    /// <param name="loss">The loss.</param>
    /// <param name="fitIntercept">Whether each task has an unpenalised bias b_t.</param>
    /// <exception cref="ArgumentException">No task, a duplicate name, unequal feature counts, or a logistic task
    /// whose labels are not two of {−1, +1} or {0, 1}; the message names the task.</exception>
    public LinearMultitaskProblem(IEnumerable<LinearTask> tasks, LinearLoss loss = LinearLoss.LeastSquares, bool fitIntercept = true)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        Tasks = tasks.ToArray();
        if (Tasks.Count == 0)
        {
            throw new ArgumentException("A linear multitask problem needs at least one task.", nameof(tasks));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        FeatureCount = Tasks[0].Features.ColumnCount;
        foreach (var task in Tasks)
        {
            if (!names.Add(task.Name))
            {
                throw new ArgumentException($"Two tasks are named '{task.Name}'.", nameof(tasks));
            }

            if (task.Features.ColumnCount != FeatureCount)
            {
                throw new ArgumentException(
                    $"Task '{task.Name}' has {task.Features.ColumnCount} features; task '{Tasks[0].Name}' has {FeatureCount}.", nameof(tasks));
            }

            if (loss == LinearLoss.Logistic)
            {
                var bad = task.Targets.Enumerate().FirstOrDefault(v => v is not (-1 or 0 or 1), double.NaN);
                var labels = task.Targets.Enumerate().Distinct().ToArray();
                if (!double.IsNaN(bad) || (labels.Contains(-1) && labels.Contains(0)))
                {
                    throw new ArgumentException(
                        $"Task '{task.Name}': logistic loss needs binary labels, -1/+1 or 0/1; found {string.Join(", ", labels.Order().Take(5))}.", nameof(tasks));
                }
            }
        }

        if (!Enum.IsDefined(loss))
        {
            throw new ArgumentOutOfRangeException(nameof(loss), loss, "Unknown loss.");
        }

        Loss = loss;
        FitIntercept = fitIntercept;
    }

    /// <summary>The tasks.</summary>
    public IReadOnlyList<LinearTask> Tasks { get; }

    /// <summary>d, the number of features.</summary>
    public int FeatureCount { get; }

    /// <summary>The loss.</summary>
    public LinearLoss Loss { get; }

    /// <summary>Whether each task has an unpenalised bias.</summary>
    public bool FitIntercept { get; }

    /// <summary>Whether every task shares one design matrix (the same object), which lets solvers use one product per step.</summary>
    public bool IsSharedDesign => Tasks.All(t => ReferenceEquals(t.Features, Tasks[0].Features));

    /// <summary>The shared-design case: one X (n × d) and several outputs Y (n × T), task t predicting column t.</summary>
    /// <param name="features">X.</param>
    /// <param name="targets">Y, one column per task.</param>
    /// <param name="taskNames">Names of the T tasks; <see langword="null"/> names them "task-0", "task-1", ….</param>
    /// <param name="loss">The loss.</param>
    /// <param name="fitIntercept">Whether each task has an unpenalised bias.</param>
    /// <returns>The problem.</returns>
    public static LinearMultitaskProblem SharedDesign(
        Matrix<double> features,
        Matrix<double> targets,
        IReadOnlyList<string>? taskNames = null,
        LinearLoss loss = LinearLoss.LeastSquares,
        bool fitIntercept = true)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.RowCount != features.RowCount)
        {
            throw new ArgumentException($"X has {features.RowCount} rows but Y has {targets.RowCount}.", nameof(targets));
        }

        var names = taskNames ?? Enumerable.Range(0, targets.ColumnCount).Select(t => $"task-{t}").ToArray();
        if (names.Count != targets.ColumnCount)
        {
            throw new ArgumentException($"{names.Count} task names for {targets.ColumnCount} target columns.", nameof(taskNames));
        }

        return new LinearMultitaskProblem(names.Select((name, t) => new LinearTask(name, features, targets.Column(t))), loss, fitIntercept);
    }

    /// <summary>The index of a task.</summary>
    /// <param name="name">The task name.</param>
    /// <returns>Its index.</returns>
    public int IndexOf(string name)
    {
        for (var t = 0; t < Tasks.Count; t++)
        {
            if (Tasks[t].Name == name)
            {
                return t;
            }
        }

        throw new KeyNotFoundException($"The problem has no task '{name}'.");
    }
}
