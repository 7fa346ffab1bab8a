namespace MultitaskLearning.Training.Aggregation;

/// <summary>
/// Gradient Vaccine of Wang et al., "Gradient Vaccine: Investigating and Improving Multi-task Optimization in
/// Massively Multilingual Models" (ICLR 2021). For each task i and every other task j in random order, with
/// φ_ij = cos(g_i, g_j) and the EMA target φ̂_ij: when φ_ij &lt; φ̂_ij,
/// g_i ← g_i + ‖g_i‖ (φ̂_ij √(1 − φ_ij²) − φ_ij √(1 − φ̂_ij²)) / (‖g_j‖ √(1 − φ̂_ij²)) · g_j; then
/// φ̂_ij ← (1 − β) φ̂_ij + β φ_ij. The update is Σ_i g_i. With φ̂ = 0 the correction is PCGrad's projection.
/// Stateful: the targets φ̂ are kept per ordered pair of task names (<see cref="Targets"/>), starting at 0.
/// Computed exactly in the coefficient space of the Gram matrix, like <see cref="PCGrad"/>.
/// </summary>
public sealed class GradVac : GramAggregator
{
    private readonly Dictionary<(string, string), double> targets = [];
    private readonly object gate = new();

    /// <summary>Creates the aggregator.</summary>
    /// <param name="beta">The EMA rate β ∈ (0, 1].</param>
    public GradVac(double beta = 0.01)
    {
        if (!(beta > 0 && beta <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(beta), beta, $"GradVac's beta must be in (0, 1]. Got {beta} instead.");
        }

        Beta = beta;
    }

    /// <summary>β.</summary>
    public double Beta { get; }

    /// <inheritdoc/>
    public override string Name => "gradvac";

    /// <summary>The EMA targets φ̂ by (task i, task j). The trainer clears them when a run starts and checkpoints and
    /// restores them (<see cref="SaveState"/>); one instance serves one run at a time.</summary>
    public IReadOnlyDictionary<(string, string), double> Targets
    {
        get
        {
            lock (gate)
            {
                return new Dictionary<(string, string), double>(targets);
            }
        }
    }

    /// <summary>Replaces the EMA targets (for example from a checkpoint).</summary>
    /// <param name="values">The targets.</param>
    public void RestoreTargets(IReadOnlyDictionary<(string, string), double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        lock (gate)
        {
            targets.Clear();
            foreach (var (key, value) in values)
            {
                targets[key] = value;
            }
        }
    }

    /// <inheritdoc/>
    /// <remarks>One entry per ordered task pair: the key is the JSON array [task i, task j], the value [φ̂_ij].</remarks>
    public override IReadOnlyDictionary<string, double[]> SaveState() =>
        Targets.ToDictionary(kv => System.Text.Json.JsonSerializer.Serialize(new[] { kv.Key.Item1, kv.Key.Item2 }), kv => new[] { kv.Value }, StringComparer.Ordinal);

    /// <inheritdoc/>
    public override void RestoreState(IReadOnlyDictionary<string, double[]> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var values = new Dictionary<(string, string), double>();
        foreach (var (key, value) in state)
        {
            string[]? pair = null;
            try
            {
                pair = System.Text.Json.JsonSerializer.Deserialize<string[]>(key);
            }
            catch (System.Text.Json.JsonException)
            {
            }

            if (pair is not { Length: 2 } || value.Length != 1 || !double.IsFinite(value[0]))
            {
                throw new InvalidDataException($"GradVac state entry '{key}' is not a task pair [\"i\", \"j\"] with one finite target.");
            }

            values[(pair[0], pair[1])] = value[0];
        }

        RestoreTargets(values);
    }

    /// <inheritdoc/>
    public override double[] Weights(double[,] gram, AggregationContext context)
    {
        ArgumentNullException.ThrowIfNull(gram);
        ArgumentNullException.ThrowIfNull(context);
        var k = gram.GetLength(0);
        var names = context.TaskNames ?? Enumerable.Range(0, k).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var weights = new double[k];
        lock (gate)
        {
            for (var i = 0; i < k; i++)
            {
                var coefficients = new double[k];
                coefficients[i] = 1;
                var order = Enumerable.Range(0, k).Where(j => j != i).ToArray();
                context.Random.Shuffle(order);
                foreach (var j in order)
                {
                    var normJ = Math.Sqrt(Math.Max(gram[j, j], 0));
                    var normI = Math.Sqrt(Math.Max(SmallLinearAlgebra.Quadratic(gram, coefficients), 0));
                    if (normJ == 0 || normI == 0)
                    {
                        continue;
                    }

                    var cosine = Math.Clamp(SmallLinearAlgebra.Row(gram, coefficients, j) / (normI * normJ), -1, 1);
                    var key = (names[i], names[j]);
                    var target = targets.GetValueOrDefault(key);
                    if (cosine < target)
                    {
                        var root = Math.Sqrt(Math.Max(1 - (target * target), 1e-12));
                        coefficients[j] += normI * ((target * Math.Sqrt(1 - (cosine * cosine))) - (cosine * root)) / (normJ * root);
                    }

                    targets[key] = ((1 - Beta) * target) + (Beta * cosine);
                }

                for (var m = 0; m < k; m++)
                {
                    weights[m] += coefficients[m];
                }
            }
        }

        return weights;
    }
}
