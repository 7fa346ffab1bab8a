namespace MultitaskLearning.Tasks;

/// <summary>Where each task's targets sit when the targets of several tasks share one row (prepared rows, a shard's
/// target block): task t's <see cref="TaskDefinition.TargetWidth"/> columns start at <c>Offsets(tasks)[t]</c>, and
/// the last entry is the row's width.</summary>
internal static class TargetColumns
{
    /// <summary>The first column of each task, then the row's width (tasks.Count + 1 values).</summary>
    public static int[] Offsets(IReadOnlyList<TaskDefinition> tasks)
    {
        var offsets = new int[tasks.Count + 1];
        for (var t = 0; t < tasks.Count; t++)
        {
            offsets[t + 1] = offsets[t] + tasks[t].TargetWidth;
        }

        return offsets;
    }
}
