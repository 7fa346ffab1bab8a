using System.Text.RegularExpressions;

namespace MultitaskLearning.Tasks;

/// <summary>
/// One task of a multitask problem: its name, kind, output size, label vocabulary, loss, metrics and loss weight α.
/// Create one with <see cref="Multiclass(string, LabelVocabulary)"/>, <see cref="Binary"/>, <see cref="MultiLabel"/> or
/// <see cref="Regression"/>; change the weight or metrics with a <c>with</c> expression.
/// </summary>
public sealed partial record TaskDefinition
{
    private readonly double weight = 1.0;
    private readonly IReadOnlyList<MetricKind> metrics = [];
    private readonly double huberDelta = 1.0;

    /// <summary>Creates a task definition and checks that its parts agree.</summary>
    /// <param name="name">Unique name: 1–64 letters, digits, '-' or '_', starting with a letter or digit.</param>
    /// <param name="kind">What the task predicts.</param>
    /// <param name="outputSize">Number of model outputs: classes (multiclass), labels (multi-label), 1 (binary), or
    /// regression outputs. <see langword="null"/> takes it from the vocabulary (classification) or 1 (regression).</param>
    /// <param name="vocabulary">Class labels; required for multiclass and multi-label, optional for binary (negative, positive).</param>
    /// <param name="loss">The loss; <see langword="null"/> picks the kind's default (cross-entropy, BCE with logits, MSE).</param>
    /// <param name="metrics">Metrics to report; <see langword="null"/> or empty picks the kind's defaults.</param>
    /// <param name="weight">Loss weight α_i, finite and ≥ 0.</param>
    /// <exception cref="ArgumentException">An argument is invalid or disagrees with the kind; the message names it.</exception>
    public TaskDefinition(
        string name,
        TaskKind kind,
        int? outputSize = null,
        LabelVocabulary? vocabulary = null,
        LossKind? loss = null,
        IEnumerable<MetricKind>? metrics = null,
        double weight = 1.0)
    {
        Name = ValidateName(name);
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, $"Task '{name}': unknown task kind.");
        }

        Kind = kind;
        Vocabulary = vocabulary;
        OutputSize = ResolveOutputSize(name, kind, outputSize, vocabulary);
        Loss = loss ?? DefaultLoss(kind);
        if (!LossAppliesTo(Loss, kind))
        {
            throw new ArgumentException(
                $"Task '{name}': loss {Loss} does not apply to a {kind} task (use {DefaultLoss(kind)}).", nameof(loss));
        }

        Metrics = metrics?.ToArray() ?? [];
        Weight = weight;
    }

    /// <summary>The task's unique name; results are keyed by it.</summary>
    public string Name { get; }

    /// <summary>What the task predicts.</summary>
    public TaskKind Kind { get; }

    /// <summary>Number of model outputs for this task (classes, labels, 1 for binary, or regression outputs).</summary>
    public int OutputSize { get; }

    /// <summary>Class labels for classification tasks (index i ↔ label i); <see langword="null"/> for regression and
    /// for binary tasks without names (then the labels are "0" and "1").</summary>
    public LabelVocabulary? Vocabulary { get; }

    /// <summary>The per-sample loss.</summary>
    public LossKind Loss { get; }

    /// <summary>The threshold δ of the <see cref="LossKind.Huber"/> loss.</summary>
    /// <value>Default 1. Finite and &gt; 0.</value>
    public double HuberDelta
    {
        get => huberDelta;
        init => huberDelta = double.IsFinite(value) && value > 0
            ? value
            : throw new ArgumentOutOfRangeException(nameof(HuberDelta), value, $"Task '{Name}': HuberDelta must be finite and > 0. Got {value} instead.");
    }

    /// <summary>The metrics reported for this task.</summary>
    /// <value>Default: accuracy and macro-F1 for classification; MSE, MAE, R² and explained variance for regression.
    /// Each metric must apply to the task's kind.</value>
    public IReadOnlyList<MetricKind> Metrics
    {
        get => metrics;
        init
        {
            var list = value?.Distinct().ToArray() ?? [];
            if (list.Length == 0)
            {
                list = DefaultMetrics(Kind);
            }

            var wrong = list.Where(m => !m.AppliesTo(Kind)).ToArray();
            if (wrong.Length > 0)
            {
                throw new ArgumentException(
                    $"Task '{Name}': metric(s) {string.Join(", ", wrong.Select(m => m.ToName()))} do not apply to a {Kind} task.",
                    nameof(Metrics));
            }

            metrics = list;
        }
    }

    /// <summary>The loss weight α_i in L = Σ_i α_i L_i.</summary>
    /// <value>Default 1. Finite and ≥ 0; 0 keeps the task in the model without training it.</value>
    public double Weight
    {
        get => weight;
        init => weight = double.IsFinite(value) && value >= 0
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Weight), value, $"Task '{Name}': the loss weight must be finite and >= 0. Got {value} instead.");
    }

    /// <summary>Whether the task is a classification task (multiclass, binary or multi-label).</summary>
    public bool IsClassification => Kind != TaskKind.Regression;

    /// <summary>The number of classes a target can take: <see cref="OutputSize"/> for multiclass, 2 for binary, 0 otherwise.</summary>
    public int ClassCount => Kind switch
    {
        TaskKind.Multiclass => OutputSize,
        TaskKind.Binary => 2,
        TaskKind.MultiLabel or TaskKind.Regression => 0,
        _ => throw new InvalidOperationException($"Unknown task kind {Kind}."),
    };

    /// <summary>Width of one sample's target row: 1 class index for multiclass and binary, one 0/1 per label for
    /// multi-label, one value per output for regression.</summary>
    public int TargetWidth => Kind is TaskKind.Multiclass or TaskKind.Binary ? 1 : OutputSize;

    /// <summary>Defines a multiclass task whose classes are the vocabulary's labels.</summary>
    /// <param name="name">The task name.</param>
    /// <param name="vocabulary">The class labels (at least 2).</param>
    /// <returns>The task.</returns>
    public static TaskDefinition Multiclass(string name, LabelVocabulary vocabulary) =>
        new(name, TaskKind.Multiclass, vocabulary: vocabulary ?? throw new ArgumentNullException(nameof(vocabulary)));

    /// <summary>Defines a multiclass task with string labels.</summary>
    /// <param name="name">The task name.</param>
    /// <param name="labels">The class labels in index order (at least 2).</param>
    /// <returns>The task.</returns>
    public static TaskDefinition Multiclass(string name, params string[] labels) => Multiclass(name, new LabelVocabulary(labels));

    /// <summary>Defines a multiclass task with classes "0" … "classCount − 1".</summary>
    /// <param name="name">The task name.</param>
    /// <param name="classCount">The number of classes (at least 2).</param>
    /// <returns>The task.</returns>
    public static TaskDefinition Multiclass(string name, int classCount)
    {
        if (classCount < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, $"Task '{name}': a multiclass task needs at least 2 classes.");
        }

        return Multiclass(name, new LabelVocabulary(Enumerable.Range(0, classCount).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
    }

    /// <summary>Defines a binary task.</summary>
    /// <param name="name">The task name.</param>
    /// <param name="negativeLabel">Name of class 0.</param>
    /// <param name="positiveLabel">Name of class 1, the positive class.</param>
    /// <returns>The task.</returns>
    public static TaskDefinition Binary(string name, string negativeLabel = "0", string positiveLabel = "1") =>
        new(name, TaskKind.Binary, vocabulary: new LabelVocabulary([negativeLabel, positiveLabel]));

    /// <summary>Defines a multi-label task: each sample has any subset of the labels.</summary>
    /// <param name="name">The task name.</param>
    /// <param name="labels">The labels (at least 1).</param>
    /// <returns>The task.</returns>
    public static TaskDefinition MultiLabel(string name, params string[] labels) =>
        new(name, TaskKind.MultiLabel, vocabulary: new LabelVocabulary(labels));

    /// <summary>Defines a regression task.</summary>
    /// <param name="name">The task name.</param>
    /// <param name="outputs">Number of real-valued outputs.</param>
    /// <param name="loss">The loss (MSE, MAE or Huber).</param>
    /// <returns>The task.</returns>
    public static TaskDefinition Regression(string name, int outputs = 1, LossKind loss = LossKind.MeanSquaredError) =>
        new(name, TaskKind.Regression, outputSize: outputs, loss: loss);

    /// <summary>Value equality over every property, comparing vocabularies and metric lists element by element.</summary>
    /// <param name="other">The other task.</param>
    /// <returns><see langword="true"/> when both define the same task.</returns>
    public bool Equals(TaskDefinition? other) =>
        other is not null && Name == other.Name && Kind == other.Kind && OutputSize == other.OutputSize &&
        Equals(Vocabulary, other.Vocabulary) && Loss == other.Loss && HuberDelta.Equals(other.HuberDelta) &&
        Metrics.SequenceEqual(other.Metrics) && Weight.Equals(other.Weight);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Name, Kind, OutputSize, Vocabulary, Loss, Weight);

    /// <inheritdoc/>
    public override string ToString() => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"{Name} ({Kind}, {OutputSize} output{(OutputSize == 1 ? string.Empty : "s")}, {Loss}, α = {Weight}{(Vocabulary is null ? string.Empty : $", labels [{Vocabulary.Describe()}]")})");

    /// <summary>The label name of a class index (the vocabulary's label, or the index as text).</summary>
    /// <param name="classIndex">The class index.</param>
    /// <returns>The label.</returns>
    public string LabelOf(int classIndex) =>
        Vocabulary?.LabelOf(classIndex) ?? classIndex.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The default loss of a kind.</summary>
    /// <param name="kind">The task kind.</param>
    /// <returns>Cross-entropy, BCE with logits, or MSE.</returns>
    public static LossKind DefaultLoss(TaskKind kind) => kind switch
    {
        TaskKind.Multiclass => LossKind.CrossEntropy,
        TaskKind.Binary or TaskKind.MultiLabel => LossKind.BinaryCrossEntropyWithLogits,
        TaskKind.Regression => LossKind.MeanSquaredError,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown task kind."),
    };

    /// <summary>The default metrics of a kind.</summary>
    /// <param name="kind">The task kind.</param>
    /// <returns>The metrics.</returns>
    public static MetricKind[] DefaultMetrics(TaskKind kind) => kind == TaskKind.Regression
        ? [MetricKind.MeanSquaredError, MetricKind.MeanAbsoluteError, MetricKind.RSquared, MetricKind.ExplainedVariance]
        : [MetricKind.Accuracy, MetricKind.MacroF1];

    private static bool LossAppliesTo(LossKind loss, TaskKind kind) => kind switch
    {
        TaskKind.Multiclass => loss == LossKind.CrossEntropy,
        TaskKind.Binary or TaskKind.MultiLabel => loss == LossKind.BinaryCrossEntropyWithLogits,
        TaskKind.Regression => loss is LossKind.MeanSquaredError or LossKind.MeanAbsoluteError or LossKind.Huber,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown task kind."),
    };

    private static string ValidateName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!NamePattern().IsMatch(name))
        {
            throw new ArgumentException(
                $"Task name '{name}' is invalid: use 1-64 letters, digits, '-' or '_', starting with a letter or digit.", nameof(name));
        }

        return name;
    }

    private static int ResolveOutputSize(string name, TaskKind kind, int? outputSize, LabelVocabulary? vocabulary)
    {
        switch (kind)
        {
            case TaskKind.Multiclass:
            case TaskKind.MultiLabel:
                if (vocabulary is null)
                {
                    throw new ArgumentException($"Task '{name}': a {kind} task needs a label vocabulary.", nameof(vocabulary));
                }

                if (kind == TaskKind.Multiclass && vocabulary.Count < 2)
                {
                    throw new ArgumentException($"Task '{name}': a multiclass task needs at least 2 classes, got {vocabulary.Count}.", nameof(vocabulary));
                }

                if (outputSize is { } size && size != vocabulary.Count)
                {
                    throw new ArgumentException(
                        $"Task '{name}': output size {size} does not match the vocabulary's {vocabulary.Count} labels.", nameof(outputSize));
                }

                return vocabulary.Count;
            case TaskKind.Binary:
                if (vocabulary is not null && vocabulary.Count != 2)
                {
                    throw new ArgumentException($"Task '{name}': a binary task's vocabulary needs exactly 2 labels, got {vocabulary.Count}.", nameof(vocabulary));
                }

                if (outputSize is { } binarySize && binarySize != 1)
                {
                    throw new ArgumentException($"Task '{name}': a binary task has one output (a logit), got output size {binarySize}.", nameof(outputSize));
                }

                return 1;
            case TaskKind.Regression:
                if (vocabulary is not null)
                {
                    throw new ArgumentException($"Task '{name}': a regression task has no label vocabulary.", nameof(vocabulary));
                }

                var outputs = outputSize ?? 1;
                if (outputs < 1)
                {
                    throw new ArgumentOutOfRangeException(nameof(outputSize), outputs, $"Task '{name}': a regression task needs at least 1 output.");
                }

                return outputs;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, $"Task '{name}': unknown task kind.");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
    private static partial Regex NamePattern();
}
