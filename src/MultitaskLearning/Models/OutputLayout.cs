using MultitaskLearning.Tasks;

namespace MultitaskLearning.Models;

/// <summary>Where each task's outputs sit in the output matrix [batch, <see cref="TotalWidth"/>] of one input.</summary>
public sealed class OutputLayout
{
    internal OutputLayout(string inputName, IReadOnlyList<TaskDefinition> tasks)
    {
        InputName = inputName;
        Tasks = tasks;
        var offsets = new int[tasks.Count];
        var total = 0;
        for (var i = 0; i < tasks.Count; i++)
        {
            offsets[i] = total;
            total += tasks[i].OutputSize;
        }

        Offsets = offsets;
        TotalWidth = total;
    }

    /// <summary>The input.</summary>
    public string InputName { get; }

    /// <summary>The tasks that read the input, in output order.</summary>
    public IReadOnlyList<TaskDefinition> Tasks { get; }

    /// <summary>The first output column of each task.</summary>
    public IReadOnlyList<int> Offsets { get; }

    /// <summary>The total number of output columns.</summary>
    public int TotalWidth { get; }
}
