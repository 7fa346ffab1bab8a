namespace MultitaskLearning.Tasks;

/// <summary>What a task predicts, which decides its output size, default loss and default metrics.</summary>
public enum TaskKind
{
    /// <summary>Exactly one of several classes (softmax over <see cref="TaskDefinition.OutputSize"/> logits).</summary>
    Multiclass,

    /// <summary>One of two classes (one logit; the vocabulary's second label is the positive class).</summary>
    Binary,

    /// <summary>Any subset of several labels (one independent logit per label).</summary>
    MultiLabel,

    /// <summary>One or more real-valued outputs.</summary>
    Regression,
}
