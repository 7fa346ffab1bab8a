using static TorchSharp.torch;

namespace MultitaskLearning.Training.Aggregation;

/// <summary>
/// Base of the aggregators whose update is a linear combination Σ_t w_t g_t of the task gradients with weights that
/// depend only on the k × k Gram matrix G_ij = g_i · g_j (and the losses): the weights are found in double precision on
/// the CPU, and the update costs one k × d product on the gradients' device.
/// </summary>
public abstract class GramAggregator : GradientAggregator
{
    /// <inheritdoc/>
    public override AggregationResult Aggregate(Tensor taskGradients, AggregationContext context)
    {
        ArgumentNullException.ThrowIfNull(taskGradients);
        ArgumentNullException.ThrowIfNull(context);
        if (taskGradients.dim() != 2)
        {
            throw new ArgumentException($"{Name} expects a [k, d] gradient matrix; got shape [{string.Join(", ", taskGradients.shape)}].", nameof(taskGradients));
        }

        var k = (int)taskGradients.shape[0];
        var gram = Gram(taskGradients);
        if ((context.TaskLosses is { } losses && losses.Count != k) || (context.TaskNames is { } names && names.Count != k))
        {
            throw new ArgumentException($"The context describes {context.TaskLosses?.Count ?? context.TaskNames?.Count} tasks but there are {k} task gradients.", nameof(context));
        }

        var weights = Weights(gram, context);
        using var weights64 = tensor(weights, dtype: ScalarType.Float64, device: taskGradients.device);
        using var weightTensor = weights64.to(taskGradients.dtype);
        using var detached = taskGradients.detach();
        return new AggregationResult(weightTensor.matmul(detached), weights);
    }

    /// <summary>The Gram matrix G_ij = g_i · g_j of a [k, d] gradient matrix, in double precision on the CPU.</summary>
    /// <param name="taskGradients">The gradients.</param>
    /// <returns>G.</returns>
    public static double[,] Gram(Tensor taskGradients)
    {
        ArgumentNullException.ThrowIfNull(taskGradients);
        var k = (int)taskGradients.shape[0];
        var gram = new double[k, k];
        using var g64 = taskGradients.detach().to(ScalarType.Float64);
        using var product = g64.matmul(g64.t());
        using var onCpu = product.cpu();
        var values = onCpu.data<double>().ToArray();
        for (var i = 0; i < k; i++)
        {
            for (var j = 0; j < k; j++)
            {
                gram[i, j] = values[(i * k) + j];
            }
        }

        return gram;
    }

    /// <summary>The combination weights w of the update Σ_t w_t g_t.</summary>
    /// <param name="gram">G_ij = g_i · g_j.</param>
    /// <param name="context">Random source, losses and task names.</param>
    /// <returns>k weights.</returns>
    public abstract double[] Weights(double[,] gram, AggregationContext context);
}
