namespace MultitaskLearning.Benchmarks;

/// <summary>One training run of the peer comparison (the peer's JSON fields that the table uses).</summary>
internal sealed record RunResult(
    string Implementation, string Size, string Grad, int Threads, int Steps, double TrainSeconds, double StepsPerSecond,
    double SteadyStepsPerSecond, double DigitAccuracy, double ParityAccuracy);

/// <summary>JSON settings of the results passed between benchmark processes (NaN allowed).</summary>
internal static class ResultJson
{
    public static System.Text.Json.JsonSerializerOptions Options { get; } = new()
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
