namespace MultitaskLearning.Benchmarks;

/// <summary>One training run of the peer comparison (the peer's JSON fields that the table uses).</summary>
internal sealed record RunResult(
    string Implementation, string Size, string Grad, int Threads, int Steps, double TrainSeconds, double StepsPerSecond,
    double SteadyStepsPerSecond, double DigitAccuracy, double ParityAccuracy);
