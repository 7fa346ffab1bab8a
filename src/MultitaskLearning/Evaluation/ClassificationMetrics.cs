namespace MultitaskLearning.Evaluation;

/// <summary>Classification metrics on plain arrays of class indices. Macro averages run over the classes that occur in
/// the truth or the predictions; a class with no predictions has precision 0 and a class with no support has recall 0
/// (scikit-learn's <c>zero_division=0</c>).</summary>
public static class ClassificationMetrics
{
    /// <summary>Fraction of positions where <paramref name="predicted"/> equals <paramref name="truth"/>.</summary>
    /// <param name="truth">True class indices.</param>
    /// <param name="predicted">Predicted class indices.</param>
    /// <returns>Accuracy in [0, 1]; NaN for no samples.</returns>
    public static double Accuracy(IReadOnlyList<int> truth, IReadOnlyList<int> predicted)
    {
        CheckLengths(truth, predicted);
        if (truth.Count == 0)
        {
            return double.NaN;
        }

        var correct = 0;
        for (var i = 0; i < truth.Count; i++)
        {
            correct += truth[i] == predicted[i] ? 1 : 0;
        }

        return (double)correct / truth.Count;
    }

    /// <summary>Macro-averaged precision, recall and F1.</summary>
    /// <param name="truth">True class indices.</param>
    /// <param name="predicted">Predicted class indices.</param>
    /// <returns>(precision, recall, F1), each NaN for no samples.</returns>
    public static (double Precision, double Recall, double F1) Macro(IReadOnlyList<int> truth, IReadOnlyList<int> predicted)
    {
        CheckLengths(truth, predicted);
        if (truth.Count == 0)
        {
            return (double.NaN, double.NaN, double.NaN);
        }

        var classes = truth.Concat(predicted).Distinct().Order().ToArray();
        double precision = 0, recall = 0, f1 = 0;
        foreach (var c in classes)
        {
            var (p, r, f) = ForClass(truth, predicted, c);
            precision += p;
            recall += r;
            f1 += f;
        }

        return (precision / classes.Length, recall / classes.Length, f1 / classes.Length);
    }

    /// <summary>Precision, recall and F1 of one class (for example the positive class of a binary task).</summary>
    /// <param name="truth">True class indices.</param>
    /// <param name="predicted">Predicted class indices.</param>
    /// <param name="positiveClass">The class treated as positive.</param>
    /// <returns>(precision, recall, F1); 0 where a denominator is 0.</returns>
    public static (double Precision, double Recall, double F1) ForClass(IReadOnlyList<int> truth, IReadOnlyList<int> predicted, int positiveClass)
    {
        CheckLengths(truth, predicted);
        int tp = 0, fp = 0, fn = 0;
        for (var i = 0; i < truth.Count; i++)
        {
            var isTrue = truth[i] == positiveClass;
            var isPredicted = predicted[i] == positiveClass;
            tp += isTrue && isPredicted ? 1 : 0;
            fp += !isTrue && isPredicted ? 1 : 0;
            fn += isTrue && !isPredicted ? 1 : 0;
        }

        var precision = tp + fp == 0 ? 0 : (double)tp / (tp + fp);
        var recall = tp + fn == 0 ? 0 : (double)tp / (tp + fn);
        var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return (precision, recall, f1);
    }

    private static void CheckLengths(IReadOnlyList<int> truth, IReadOnlyList<int> predicted)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(predicted);
        if (truth.Count != predicted.Count)
        {
            throw new ArgumentException($"{truth.Count} true labels but {predicted.Count} predictions.", nameof(predicted));
        }
    }
}
