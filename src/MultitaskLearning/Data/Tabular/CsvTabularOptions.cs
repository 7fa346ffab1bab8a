namespace MultitaskLearning.Data.Tabular;

/// <summary>How <see cref="CsvTabularReader"/> maps CSV columns to features and task labels.</summary>
/// <remarks>Two layouts are supported. Wide: each task has its own label column (<see cref="LabelColumns"/>); an empty
/// cell is a missing label. Long: one <see cref="TaskColumn"/> names the task of each row and one <see cref="TargetColumn"/>
/// holds its label, as in the School data (one row per student, a school index per row).</remarks>
public sealed class CsvTabularOptions
{
    private int maxColumns = 100_000;

    /// <summary>The input name of the features.</summary>
    /// <value>Default "features".</value>
    public string InputName { get; set; } = "features";

    /// <summary>Feature columns in order; <see langword="null"/> uses every column that is not a label, task or ignored column.</summary>
    /// <value>Default <see langword="null"/>.</value>
    public IReadOnlyList<string>? FeatureColumns { get; set; }

    /// <summary>Wide layout: the label column of each task, by task name.</summary>
    /// <value>Default empty.</value>
    public IReadOnlyDictionary<string, string> LabelColumns { get; set; } = new Dictionary<string, string>();

    /// <summary>Long layout: the column that says which task a row belongs to.</summary>
    /// <value>Default <see langword="null"/> (wide layout).</value>
    public string? TaskColumn { get; set; }

    /// <summary>Long layout: the column with each row's label.</summary>
    /// <value>Default <see langword="null"/>.</value>
    public string? TargetColumn { get; set; }

    /// <summary>Long layout: the task of a row is named <c>TaskNamePrefix + cell</c>.</summary>
    /// <value>Default empty.</value>
    public string TaskNamePrefix { get; set; } = string.Empty;

    /// <summary>Columns to skip.</summary>
    /// <value>Default empty.</value>
    public IReadOnlyList<string> IgnoredColumns { get; set; } = [];

    /// <summary>The field separator.</summary>
    /// <value>Default ','.</value>
    public char Separator { get; set; } = ',';

    /// <summary>What an empty or non-numeric feature cell is. <see cref="MissingValuePolicy.Error"/> throws an
    /// <see cref="InvalidDataException"/> naming the line and column; <see cref="MissingValuePolicy.Mean"/> and
    /// <see cref="MissingValuePolicy.Median"/> keep it as missing (NaN) so that the model imputes it with statistics of
    /// the training split (set the same policy on the model's <see cref="Models.InputDefinition.MissingValues"/>).</summary>
    /// <value>Default <see cref="MissingValuePolicy.Error"/>.</value>
    public MissingValuePolicy MissingFeatures { get; set; } = MissingValuePolicy.Error;

    /// <summary>The most columns a row may have; a row with more is an <see cref="InvalidDataException"/> naming its line,
    /// raised while the row is read (before memory for it is allocated), so that a file with the wrong separator or a
    /// corrupt file fails clearly instead of exhausting memory.</summary>
    /// <value>Default 100,000.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxColumns
    {
        get => maxColumns;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            maxColumns = value;
        }
    }
}
