namespace MultitaskLearning.Tasks;

/// <summary>An evaluation metric. Classification metrics use the predicted class (argmax, or probability ≥ 0.5 for
/// binary and multi-label tasks); regression metrics are averaged over a task's outputs.</summary>
public enum MetricKind
{
    /// <summary>Fraction of correct predictions. Multi-label: fraction of correct label decisions (1 − Hamming loss).</summary>
    Accuracy,

    /// <summary>Unweighted mean over classes of F1 = 2PR/(P + R). Binary: F1 of the positive class.</summary>
    MacroF1,

    /// <summary>Unweighted mean over classes of TP/(TP + FP). Binary: precision of the positive class.</summary>
    Precision,

    /// <summary>Unweighted mean over classes of TP/(TP + FN). Binary: recall of the positive class.</summary>
    Recall,

    /// <summary>Mean squared error (1/n) Σ (y − ŷ)².</summary>
    MeanSquaredError,

    /// <summary>Mean absolute error (1/n) Σ |y − ŷ|.</summary>
    MeanAbsoluteError,

    /// <summary>Coefficient of determination 1 − SSE/SST, with SST = Σ (y − ȳ)².</summary>
    RSquared,

    /// <summary>Explained variance 1 − Var(y − ŷ)/Var(y), as scikit-learn's <c>explained_variance_score</c>.</summary>
    ExplainedVariance,
}
