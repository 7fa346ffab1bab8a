namespace MultitaskLearning.Data.Tabular;

/// <summary>What <see cref="CsvTabularReader"/> found while reading a file.</summary>
/// <param name="Rows">Data rows read (the header excluded).</param>
/// <param name="DuplicateLines">Lines (1-based, the header is line 1) whose every field repeats an earlier line, with
/// the earlier line; duplicates are kept in the dataset and reported here.</param>
/// <param name="MissingFeatureCells">Empty or non-numeric feature cells kept as missing, by column.</param>
/// <param name="MissingLabelCells">Empty label cells (missing labels), by task.</param>
public sealed record TabularLoadReport(
    int Rows,
    IReadOnlyList<(int Line, int FirstLine)> DuplicateLines,
    IReadOnlyDictionary<string, int> MissingFeatureCells,
    IReadOnlyDictionary<string, int> MissingLabelCells);
