using MultitaskLearning.Tasks;
using static TorchSharp.torch;

namespace MultitaskLearning.Training;

/// <summary>
/// Accumulates <see cref="TaskRelationships"/> over a run (<see cref="TrainerOptions.RecordTaskRelationships"/>,
/// <see cref="TrainerOptions.RecordTaskAffinity"/>): pairwise cosines and conflicts of the task gradients on the shared
/// parameters, and the lookahead affinity of Fifty et al. Its sums are part of a checkpoint.
/// </summary>
internal sealed class TaskRelationshipRecorder
{
    private readonly IReadOnlyList<TaskDefinition> tasks;
    private readonly bool affinity;
    private double[,] cosineSums;
    private long[,] conflictCounts;
    private long[,] pairSteps;
    private double[,] affinitySums;
    private long[,] affinitySteps;

    public TaskRelationshipRecorder(IReadOnlyList<TaskDefinition> tasks, bool affinity)
    {
        this.tasks = tasks;
        this.affinity = affinity;
        var n = tasks.Count;
        cosineSums = new double[n, n];
        conflictCounts = new long[n, n];
        pairSteps = new long[n, n];
        affinitySums = new double[n, n];
        affinitySteps = new long[n, n];
    }

    /// <summary>Adds one step's cosines from the task-gradient matrix [k, d] of the present tasks.</summary>
    public void RecordCosines(Tensor matrix, int[] presentTasks)
    {
        var gram = Aggregation.GramAggregator.Gram(matrix);
        var k = presentTasks.Length;
        for (var a = 0; a < k; a++)
        {
            for (var b = 0; b < k; b++)
            {
                var norm = Math.Sqrt(gram[a, a] * gram[b, b]);
                var cosine = norm > 0 ? gram[a, b] / norm : 0;
                int i = presentTasks[a], j = presentTasks[b];
                cosineSums[i, j] += cosine;
                conflictCounts[i, j] += cosine < 0 ? 1 : 0;
                pairSteps[i, j]++;
            }
        }
    }

    /// <summary>For each present task i: θ_shared −= η g_i, every task's loss on the batch without gradients, then θ
    /// restored exactly.</summary>
    public void RecordAffinity(List<Tensor> rows, int[] presentTasks, float[] lossesBefore, double sharedLearningRate, TorchSharp.Modules.Parameter[] shared, Func<float[]> batchLosses)
    {
        using var noGrad = no_grad();
        var saved = shared.Select(p => p.clone()).ToArray();
        for (var a = 0; a < presentTasks.Length; a++)
        {
            long offset = 0;
            foreach (var p in shared)
            {
                p.add_(rows[a].narrow(0, offset, p.numel()).view_as(p), alpha: -sharedLearningRate);
                offset += p.numel();
            }

            var after = batchLosses();
            for (var p = 0; p < shared.Length; p++)
            {
                shared[p].copy_(saved[p]); // exact restore, not θ − ηg + ηg
            }

            var i = presentTasks[a];
            foreach (var j in presentTasks)
            {
                if (lossesBefore[j] > 0)
                {
                    affinitySums[i, j] += 1 - (after[j] / lossesBefore[j]);
                    affinitySteps[i, j]++;
                }
            }
        }
    }

    /// <summary>The relationships recorded so far.</summary>
    public TaskRelationships Result()
    {
        var count = tasks.Count;
        var mean = new double[count, count];
        var conflict = new double[count, count];
        double[,]? affinityMeans = affinity ? new double[count, count] : null;
        for (var i = 0; i < count; i++)
        {
            for (var j = 0; j < count; j++)
            {
                mean[i, j] = pairSteps[i, j] == 0 ? double.NaN : cosineSums[i, j] / pairSteps[i, j];
                conflict[i, j] = pairSteps[i, j] == 0 ? double.NaN : (double)conflictCounts[i, j] / pairSteps[i, j];
                if (affinityMeans is not null)
                {
                    affinityMeans[i, j] = affinitySteps[i, j] == 0 ? double.NaN : affinitySums[i, j] / affinitySteps[i, j];
                }
            }
        }

        return new TaskRelationships(tasks.Select(t => t.Name).ToArray(), mean, conflict, (long[,])pairSteps.Clone(), affinityMeans);
    }

    /// <summary>The sums, for a checkpoint (row-major, T × T each).</summary>
    public IReadOnlyDictionary<string, double[]> SaveState() => new Dictionary<string, double[]>(StringComparer.Ordinal)
    {
        ["cosine-sums"] = Flatten(cosineSums),
        ["conflict-counts"] = Flatten(conflictCounts),
        ["pair-steps"] = Flatten(pairSteps),
        ["affinity-sums"] = Flatten(affinitySums),
        ["affinity-steps"] = Flatten(affinitySteps),
    };

    /// <summary>Restores sums saved with <see cref="SaveState"/>.</summary>
    /// <exception cref="InvalidDataException">An entry is missing or has the wrong size.</exception>
    public void RestoreState(IReadOnlyDictionary<string, double[]> state)
    {
        var n = tasks.Count;
        double[] Get(string key) => Weighting.StateValues.Get(state, key, n * n);
        cosineSums = Unflatten(Get("cosine-sums"), n, v => v);
        conflictCounts = Unflatten(Get("conflict-counts"), n, v => (long)v);
        pairSteps = Unflatten(Get("pair-steps"), n, v => (long)v);
        affinitySums = Unflatten(Get("affinity-sums"), n, v => v);
        affinitySteps = Unflatten(Get("affinity-steps"), n, v => (long)v);
    }

    private static double[] Flatten<T>(T[,] values)
        where T : IConvertible => values.Cast<T>().Select(v => v.ToDouble(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    private static T[,] Unflatten<T>(double[] values, int n, Func<double, T> convert)
    {
        var result = new T[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                result[i, j] = convert(values[(i * n) + j]);
            }
        }

        return result;
    }
}
