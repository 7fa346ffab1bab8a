namespace MultitaskLearning.Benchmarks;

/// <summary>The peer's model sizes: trunk 784-H1-H2 and the batch size.</summary>
internal sealed record WorkloadSize(string Name, int Hidden1, int Hidden2, int BatchSize)
{
    public static WorkloadSize Big { get; } = new("big", 512, 256, 256);

    public static WorkloadSize Small { get; } = new("small", 64, 32, 32);

    public static WorkloadSize Parse(string name) => name switch
    {
        "big" => Big,
        "small" => Small,
        _ => throw new ArgumentException($"Unknown size '{name}'; use big or small."),
    };
}
