namespace MultitaskLearning.ML;

/// <summary>
/// The names of the columns <see cref="MultitaskTransformer"/> adds, one group per task:
/// <list type="table">
/// <listheader><term>column</term><description>tasks and type</description></listheader>
/// <item><term><c>&lt;task&gt;.PredictedLabel</c></term><description>multiclass and binary: the predicted label as text.</description></item>
/// <item><term><c>&lt;task&gt;.PredictedKey</c></term><description>multiclass and binary: the predicted class as an ML.NET key
/// (1 = the vocabulary's first label) whose key values are the vocabulary, for ML.NET's evaluators.</description></item>
/// <item><term><c>&lt;task&gt;.Score</c></term><description>multiclass and binary: the probability of each class, a vector of
/// <c>Single</c> in vocabulary order with the labels as slot names; regression: the predicted value in the label's units,
/// a <c>Single</c> (one output) or a vector of <c>Single</c> (several).</description></item>
/// <item><term><c>&lt;task&gt;.Probability</c></term><description>binary: the probability of the positive class (class 1).</description></item>
/// </list>
/// </summary>
public static class MultitaskColumnNames
{
    /// <summary>The predicted label (text) of a classification task.</summary>
    /// <param name="taskName">The task.</param>
    /// <returns><c>&lt;task&gt;.PredictedLabel</c>.</returns>
    public static string PredictedLabel(string taskName) => $"{taskName}.PredictedLabel";

    /// <summary>The predicted class of a classification task as an ML.NET key.</summary>
    /// <param name="taskName">The task.</param>
    /// <returns><c>&lt;task&gt;.PredictedKey</c>.</returns>
    public static string PredictedKey(string taskName) => $"{taskName}.PredictedKey";

    /// <summary>The class probabilities of a classification task, or the predicted value of a regression task.</summary>
    /// <param name="taskName">The task.</param>
    /// <returns><c>&lt;task&gt;.Score</c>.</returns>
    public static string Score(string taskName) => $"{taskName}.Score";

    /// <summary>The probability of the positive class of a binary task.</summary>
    /// <param name="taskName">The task.</param>
    /// <returns><c>&lt;task&gt;.Probability</c>.</returns>
    public static string Probability(string taskName) => $"{taskName}.Probability";
}
