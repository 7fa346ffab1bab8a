namespace MultitaskLearning.Linear;

/// <summary>The cross-validation curve of a regulariser over a λ path.</summary>
/// <param name="Regularizer">The regulariser's name.</param>
/// <param name="Lambdas">The λ values, largest first.</param>
/// <param name="MeanErrors">Mean held-out error per λ (pooled squared error for least squares, mean log-loss for logistic).</param>
/// <param name="StandardErrors">Standard error of that mean over the folds.</param>
/// <param name="BestLambda">The λ with the smallest mean error.</param>
public sealed record CrossValidationResult(
    string Regularizer,
    IReadOnlyList<double> Lambdas,
    IReadOnlyList<double> MeanErrors,
    IReadOnlyList<double> StandardErrors,
    double BestLambda);
