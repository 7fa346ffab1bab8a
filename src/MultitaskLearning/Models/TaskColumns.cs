namespace MultitaskLearning.Models;

/// <summary>Where a task's values sit in an input's prepared rows.</summary>
/// <param name="Task">The task's index in the input's <see cref="OutputLayout"/> (its column of the label masks).</param>
/// <param name="Column">Its first column among the prepared targets.</param>
/// <param name="Width">Its target columns.</param>
internal readonly record struct TaskColumns(int Task, int Column, int Width);
