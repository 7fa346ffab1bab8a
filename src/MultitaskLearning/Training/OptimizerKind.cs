namespace MultitaskLearning.Training;

/// <summary>The optimiser.</summary>
public enum OptimizerKind
{
    /// <summary>Stochastic gradient descent with optional momentum, Nesterov momentum and weight decay.</summary>
    Sgd,

    /// <summary>Adam (Kingma and Ba, 2015) with L2 weight decay.</summary>
    Adam,

    /// <summary>AdamW (Loshchilov and Hutter, 2019) with decoupled weight decay.</summary>
    AdamW,
}
