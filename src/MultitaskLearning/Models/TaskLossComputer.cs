using MultitaskLearning.Models;
using MultitaskLearning.Tasks;
using static TorchSharp.torch;

namespace MultitaskLearning.Models;

/// <summary>
/// Computes the vector of per-task mean losses L_t = Σ_j m_jt l(y_jt, ŷ_jt) / max(1, Σ_j m_jt) for all tasks of one
/// input in a few fused operations: tasks with the same loss and output width are evaluated together as one [B, G, w]
/// block, so the cost does not grow with one operation per task.
/// </summary>
internal sealed class TaskLossComputer : IDisposable
{
    private readonly List<Group> groups = [];
    private readonly Tensor? inverseOrder;
    private readonly int taskCount;

    public TaskLossComputer(OutputLayout layout, Device device)
    {
        taskCount = layout.Tasks.Count;
        var targetOffsets = TargetColumns.Offsets(layout.Tasks);
        TargetWidth = targetOffsets[^1];
        var order = new List<int>();
        foreach (var key in layout.Tasks.Select((t, i) => (Task: t, Index: i))
                     .GroupBy(x => (x.Task.Loss, x.Task.OutputSize, x.Task.TargetWidth, x.Task.HuberDelta)))
        {
            var members = key.Select(x => x.Index).ToArray();
            var outputColumns = members.SelectMany(t => Enumerable.Range(layout.Offsets[t], layout.Tasks[t].OutputSize)).Select(c => (long)c).ToArray();
            var targetColumns = members.SelectMany(t => Enumerable.Range(targetOffsets[t], layout.Tasks[t].TargetWidth)).Select(c => (long)c).ToArray();
            var identity = members.Length == taskCount && outputColumns.Length == layout.TotalWidth && targetColumns.Length == TargetWidth;
            groups.Add(new Group(
                key.Key.Loss,
                key.Key.OutputSize,
                key.Key.TargetWidth,
                key.Key.HuberDelta,
                members.Length,
                identity ? null : tensor(outputColumns, device: device),
                identity ? null : tensor(targetColumns, device: device),
                identity ? null : tensor(members.Select(m => (long)m).ToArray(), device: device)));
            order.AddRange(members);
        }

        if (!order.SequenceEqual(Enumerable.Range(0, taskCount)))
        {
            var inverse = new long[taskCount];
            for (var i = 0; i < order.Count; i++)
            {
                inverse[order[i]] = i;
            }

            inverseOrder = tensor(inverse, device: device);
        }
    }

    /// <summary>The number of target columns (Σ_t TargetWidth_t).</summary>
    public int TargetWidth { get; }

    /// <summary>Per-task losses and labelled counts for one batch.</summary>
    /// <param name="outputs">Network outputs [B, total width].</param>
    /// <param name="targets">Targets [B, <see cref="TargetWidth"/>] (0 where missing).</param>
    /// <param name="present">Label masks [B, T] (1 labelled, 0 missing).</param>
    /// <returns>(losses [T], counts [T]) in the current dispose scope.</returns>
    public (Tensor Losses, Tensor Counts) Compute(Tensor outputs, Tensor targets, Tensor present)
    {
        var batch = outputs.shape[0];
        var lossParts = new Tensor[groups.Count];
        var countParts = new Tensor[groups.Count];
        for (var g = 0; g < groups.Count; g++)
        {
            var group = groups[g];
            var o = (group.OutputColumns is null ? outputs : outputs.index_select(1, group.OutputColumns)).view(batch, group.Size, group.OutputSize);
            var y = (group.TargetColumns is null ? targets : targets.index_select(1, group.TargetColumns)).view(batch, group.Size, group.TargetWidth);
            var m = group.Tasks is null ? present : present.index_select(1, group.Tasks);
            var perSample = group.Loss switch
            {
                LossKind.CrossEntropy => o.log_softmax(2).gather(2, y.to(ScalarType.Int64)).squeeze(2).neg(),
                LossKind.BinaryCrossEntropyWithLogits => nn.functional.binary_cross_entropy_with_logits(o, y, reduction: nn.Reduction.None).mean([2]),
                LossKind.MeanSquaredError => (o - y).square().mean([2]),
                LossKind.MeanAbsoluteError => (o - y).abs().mean([2]),
                _ => nn.functional.huber_loss(o, y, group.HuberDelta, nn.Reduction.None).mean([2]),
            };
            var counts = m.sum(0L);
            lossParts[g] = (perSample * m).sum(0L) / counts.clamp_min(1);
            countParts[g] = counts;
        }

        if (groups.Count == 1)
        {
            return (lossParts[0], countParts[0]);
        }

        var losses = cat(lossParts, 0);
        var allCounts = cat(countParts, 0);
        return inverseOrder is null ? (losses, allCounts) : (losses.index_select(0, inverseOrder), allCounts.index_select(0, inverseOrder));
    }

    public void Dispose()
    {
        foreach (var group in groups)
        {
            group.OutputColumns?.Dispose();
            group.TargetColumns?.Dispose();
            group.Tasks?.Dispose();
        }

        inverseOrder?.Dispose();
    }

    private sealed record Group(
        LossKind Loss,
        int OutputSize,
        int TargetWidth,
        double HuberDelta,
        int Size,
        Tensor? OutputColumns,
        Tensor? TargetColumns,
        Tensor? Tasks);
}
