namespace MultitaskLearning.Data;

/// <summary>The three disjoint parts of a dataset made by <see cref="DatasetSplitter"/>.</summary>
/// <param name="Train">Rows to fit on (and to compute normalisation statistics from).</param>
/// <param name="Validation">Rows for early stopping and model selection (may be empty).</param>
/// <param name="Test">Held-out rows for the final evaluation.</param>
public sealed record DatasetSplit(MultitaskDataset Train, MultitaskDataset Validation, MultitaskDataset Test);
