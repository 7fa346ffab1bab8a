using System.Globalization;
using MultitaskLearning.Evaluation;
using MultitaskLearning.Tasks;

namespace MultitaskLearning.Reporting;

/// <summary>
/// The confusion matrix of a single-label classification task: <c>this[t, p]</c> counts the samples of true class
/// <c>t</c> that were predicted as class <c>p</c> (rows: true class, columns: predicted class, both in the order of
/// <see cref="ClassNames"/>).
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly int[,] counts;

    /// <summary>Creates a matrix from counts.</summary>
    /// <param name="classNames">The class names, in index order (at least 2, distinct).</param>
    /// <param name="counts">The counts [true class, predicted class], a square matrix with one row and column per
    /// class, every count ≥ 0. The matrix is copied.</param>
    /// <exception cref="ArgumentException">Fewer than 2 or repeated class names, or <paramref name="counts"/> is not
    /// square with one row per class, or holds a negative count.</exception>
    public ConfusionMatrix(IReadOnlyList<string> classNames, int[,] counts)
    {
        ClassNames = CheckClassNames(classNames);
        ArgumentNullException.ThrowIfNull(counts);
        var n = ClassNames.Count;
        if (counts.GetLength(0) != n || counts.GetLength(1) != n)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The counts are a {counts.GetLength(0)}×{counts.GetLength(1)} matrix but there are {n} class names; the matrix needs one row (true class) and one column (predicted class) per class."),
                nameof(counts));
        }

        this.counts = (int[,])counts.Clone();
        for (var t = 0; t < n; t++)
        {
            for (var p = 0; p < n; p++)
            {
                if (counts[t, p] < 0)
                {
                    throw new ArgumentException(
                        string.Create(CultureInfo.InvariantCulture, $"The counts hold a negative value, {counts[t, p]}, at [{t}, {p}] (true '{ClassNames[t]}', predicted '{ClassNames[p]}')."),
                        nameof(counts));
                }

                Total += counts[t, p];
                Correct += t == p ? counts[t, p] : 0;
            }
        }
    }

    /// <summary>The class names, in index order.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The number of classes.</summary>
    public int ClassCount => ClassNames.Count;

    /// <summary>The number of samples counted.</summary>
    public long Total { get; }

    /// <summary>The number of samples on the diagonal (predicted as their true class).</summary>
    public long Correct { get; }

    /// <summary>The fraction of samples predicted as their true class; NaN when the matrix is empty.</summary>
    public double Accuracy => Total == 0 ? double.NaN : (double)Correct / Total;

    /// <summary>The number of samples of true class <paramref name="trueClass"/> predicted as
    /// <paramref name="predictedClass"/>.</summary>
    /// <param name="trueClass">The true class index.</param>
    /// <param name="predictedClass">The predicted class index.</param>
    public int this[int trueClass, int predictedClass] => counts[trueClass, predictedClass];

    /// <summary>The number of samples whose true class is <paramref name="trueClass"/> (its row sum).</summary>
    /// <param name="trueClass">The true class index.</param>
    /// <returns>The row sum.</returns>
    public long Support(int trueClass)
    {
        long sum = 0;
        for (var p = 0; p < ClassCount; p++)
        {
            sum += counts[trueClass, p];
        }

        return sum;
    }

    /// <summary>A copy of the counts [true class, predicted class].</summary>
    /// <returns>The copy.</returns>
    public int[,] ToArray() => (int[,])counts.Clone();

    /// <summary>Counts pairs of true and predicted class indices.</summary>
    /// <param name="classNames">The class names, in index order (at least 2, distinct).</param>
    /// <param name="truth">The true class index of each sample.</param>
    /// <param name="predicted">The predicted class index of each sample.</param>
    /// <returns>The matrix.</returns>
    /// <exception cref="ArgumentException">The lists differ in length, or an index is outside [0, class count).</exception>
    public static ConfusionMatrix FromPredictions(IReadOnlyList<string> classNames, IReadOnlyList<int> truth, IReadOnlyList<int> predicted)
    {
        var names = CheckClassNames(classNames);
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(predicted);
        if (truth.Count != predicted.Count)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{truth.Count} true labels but {predicted.Count} predictions."), nameof(predicted));
        }

        var n = names.Count;
        var counts = new int[n, n];
        for (var i = 0; i < truth.Count; i++)
        {
            var t = truth[i];
            var p = predicted[i];
            if ((uint)t >= (uint)n)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"True label {i} is class {t}, outside [0, {n})."), nameof(truth));
            }

            if ((uint)p >= (uint)n)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Prediction {i} is class {p}, outside [0, {n})."), nameof(predicted));
            }

            counts[t, p]++;
        }

        return new ConfusionMatrix(names, counts);
    }

    /// <summary>The confusion matrix of a multiclass or binary task's predictions (<see cref="MultitaskModel.Predict"/>),
    /// with the task's labels as class names and the predicted class of <see cref="TaskOutputs.PredictedClasses"/>
    /// (argmax; probability ≥ 0.5 for binary tasks).</summary>
    /// <param name="outputs">The task's predictions and targets.</param>
    /// <returns>The matrix.</returns>
    /// <exception cref="ArgumentException">The task is a regression or multi-label task.</exception>
    public static ConfusionMatrix FromOutputs(TaskOutputs outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        var task = outputs.Task;
        if (task.Kind is not (TaskKind.Multiclass or TaskKind.Binary))
        {
            throw new ArgumentException(
                $"Task '{task.Name}' is a {task.Kind} task; a confusion matrix needs a multiclass or binary task.", nameof(outputs));
        }

        var names = Enumerable.Range(0, task.ClassCount).Select(task.LabelOf).ToArray();
        var truth = outputs.Targets.Select(t => (int)t).ToArray();
        return FromPredictions(names, truth, outputs.PredictedClasses());
    }

    private static IReadOnlyList<string> CheckClassNames(IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        if (classNames.Count < 2)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"A confusion matrix needs at least 2 class names; got {classNames.Count}."), nameof(classNames));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in classNames)
        {
            if (name is null)
            {
                throw new ArgumentException("A class name is null.", nameof(classNames));
            }

            if (!seen.Add(name))
            {
                throw new ArgumentException($"The class name '{name}' appears twice.", nameof(classNames));
            }
        }

        return classNames.ToArray();
    }
}
