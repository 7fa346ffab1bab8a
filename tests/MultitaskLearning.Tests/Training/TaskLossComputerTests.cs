using MultitaskLearning.Models;
using MultitaskLearning.Tasks;
using MultitaskLearning.Training;
using Xunit;
using static TorchSharp.torch;

namespace MultitaskLearning.Tests.Training;

/// <summary>Every loss against a hand computation in double precision, with missing labels masked.</summary>
public sealed class TaskLossComputerTests
{
    private static readonly TaskDefinition Digit = TaskDefinition.Multiclass("digit", 3);
    private static readonly TaskDefinition Score = TaskDefinition.Regression("score");
    private static readonly TaskDefinition Pass = TaskDefinition.Binary("pass");
    private static readonly TaskDefinition Tags = TaskDefinition.MultiLabel("tags", "a", "b");

    [Fact]
    public void Compute_MixedTasks_MatchesHandComputedMaskedMeans()
    {
        // Output columns: digit 0-2, score 3, pass 4, tags 5-6. Target columns: digit 0, score 1, pass 2, tags 3-4.
        float[,] outputs = { { 2f, 0.5f, -1f, 1.5f, 0.3f, 1f, -2f }, { 0f, 1f, 0f, -1f, -0.7f, 0.5f, 0.5f }, { 1f, 1f, 1f, 9f, 9f, 9f, 9f } };
        float[,] targets = { { 0f, 1f, 1f, 1f, 0f }, { 2f, 0f, 0f, 0f, 1f }, { 0f, 0f, 0f, 0f, 0f } };

        // Row 2 has no labels (all masked, and its class-0 target must not count); row 1 lacks "score".
        float[,] present = { { 1, 1, 1, 1 }, { 1, 0, 1, 1 }, { 0, 0, 0, 0 } };

        var layout = new OutputLayout("x", [Digit, Score, Pass, Tags]);
        using var computer = new TaskLossComputer(layout, CPU);
        using var scope = NewDisposeScope();
        var (losses, counts) = computer.Compute(tensor(outputs), tensor(targets), tensor(present));
        var l = losses.data<float>().ToArray();
        var c = counts.data<float>().ToArray();

        Assert.Equal([2f, 1f, 2f, 2f], c);
        var ce0 = -LogSoftmax([2, 0.5, -1], 0);
        var ce1 = -LogSoftmax([0, 1, 0], 2);
        Assert.Equal((ce0 + ce1) / 2, l[0], 5);
        Assert.Equal(Math.Pow(1.5 - 1, 2), l[1], 5);
        Assert.Equal((Bce(0.3, 1) + Bce(-0.7, 0)) / 2, l[2], 5);
        Assert.Equal((((Bce(1, 1) + Bce(-2, 0)) / 2) + ((Bce(0.5, 0) + Bce(0.5, 1)) / 2)) / 2, l[3], 5);
    }

    [Theory]
    [InlineData(LossKind.MeanAbsoluteError)]
    [InlineData(LossKind.Huber)]
    public void Compute_RegressionLosses_MatchHandComputation(LossKind loss)
    {
        var task = TaskDefinition.Regression("r", 1, loss) with { HuberDelta = 1.0 };
        var layout = new OutputLayout("x", [task]);
        using var computer = new TaskLossComputer(layout, CPU);
        using var scope = NewDisposeScope();
        var (losses, _) = computer.Compute(tensor(new float[,] { { 0.5f }, { 4f } }), tensor(new float[,] { { 0f }, { 1f } }), tensor(new float[,] { { 1 }, { 1 } }));

        // Errors 0.5 and 3. MAE: (0.5 + 3)/2. Huber (δ = 1): ½·0.25 and 1·(3 − 0.5) → (0.125 + 2.5)/2.
        var expected = loss == LossKind.MeanAbsoluteError ? 1.75 : 1.3125;
        Assert.Equal(expected, losses.data<float>()[0], 5);
    }

    [Fact]
    public void Compute_TaskWithNoLabelInBatch_HasZeroLossAndCount()
    {
        var layout = new OutputLayout("x", [Score, Pass]);
        using var computer = new TaskLossComputer(layout, CPU);
        using var scope = NewDisposeScope();
        var (losses, counts) = computer.Compute(tensor(new float[,] { { 3f, 1f } }), tensor(new float[,] { { 0f, 1f } }), tensor(new float[,] { { 0, 1 } }));
        Assert.Equal(0f, losses.data<float>()[0]);
        Assert.Equal(0f, counts.data<float>()[0]);
        Assert.Equal(Bce(1, 1), losses.data<float>()[1], 5);
    }

    private static double LogSoftmax(double[] logits, int index)
    {
        var max = logits.Max();
        return logits[index] - max - Math.Log(logits.Sum(v => Math.Exp(v - max)));
    }

    private static double Bce(double logit, double target)
    {
        var p = 1 / (1 + Math.Exp(-logit));
        return -((target * Math.Log(p)) + ((1 - target) * Math.Log(1 - p)));
    }
}
