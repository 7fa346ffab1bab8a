namespace MultitaskLearning.Data.Tabular;

/// <summary>A dataset read from a CSV file, with the report of what was found.</summary>
/// <param name="Dataset">The dataset.</param>
/// <param name="Report">Duplicates and missing cells.</param>
/// <param name="FeatureNames">The feature columns, in input order.</param>
public sealed record TabularData(MultitaskDataset Dataset, TabularLoadReport Report, IReadOnlyList<string> FeatureNames);
