using MultitaskLearning.Models;
using MultitaskLearning.TestUtilities;
using Xunit;
using Xunit.Abstractions;

namespace MultitaskLearning.Tests.Interop;

/// <summary>The exported model rebuilt in PyTorch by <c>samples/PyTorchInterop/rebuild.py</c> gives the predictor's
/// outputs (after preprocessing and output mapping) to within 1e-5 for every family and both encoder kinds.</summary>
public sealed class PyTorchParityTests(ITestOutputHelper output) : IDisposable
{
    private const double Tolerance = 1e-5;
    private readonly string folder = Directory.CreateTempSubdirectory("mtl-pytorch-parity-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [TheoryRequiresPyTorch]
    [InlineData(ModelFamily.SharedTrunk, Activation.ReLU)]
    [InlineData(ModelFamily.TaskSpecific, Activation.Tanh)]
    [InlineData(ModelFamily.Hybrid, Activation.GELU)]
    [InlineData(ModelFamily.Mmoe, Activation.SiLU)]
    [InlineData(ModelFamily.Cgc, Activation.ReLU)]
    [InlineData(ModelFamily.CrossStitch, Activation.Tanh)]
    public void DenseEncoder_PythonRebuildMatchesThePredictor(ModelFamily family, Activation activation)
    {
        var (model, samples) = InteropData.TrainTabular(family, activation);
        using (model)
        {
            AssertParity(model, "features", samples);
        }
    }

    [TheoryRequiresPyTorch]
    [InlineData(ModelFamily.SharedTrunk, Activation.ReLU, true)]
    [InlineData(ModelFamily.TaskSpecific, Activation.Tanh, true)]
    [InlineData(ModelFamily.Hybrid, Activation.GELU, true)]
    [InlineData(ModelFamily.Mmoe, Activation.SiLU, false)]
    [InlineData(ModelFamily.Cgc, Activation.ReLU, false)]
    [InlineData(ModelFamily.CrossStitch, Activation.GELU, false)]
    [InlineData(ModelFamily.TaskSpecific, Activation.SiLU, false)]
    public void ConvolutionalEncoder_PythonRebuildMatchesThePredictor(ModelFamily family, Activation activation, bool twoDimensional)
    {
        var (model, samples) = InteropData.TrainConvolutional(family, activation, twoDimensional);
        using (model)
        {
            AssertParity(model, twoDimensional ? "image" : "signal", samples);
        }
    }

    private void AssertParity(MultitaskModel model, string inputName, float[][] samples)
    {
        var export = Path.Combine(folder, "export");
        model.ExportPyTorch(export);
        var python = RebuildScript.Run(export, inputName, samples);
        using var predictor = model.CreatePredictor();
        var expected = InteropData.Scores(predictor, inputName, samples);

        Assert.Equal(expected.Keys.Order(), python.Keys.Order());
        var worst = 0.0;
        foreach (var (task, rows) in expected)
        {
            Assert.Equal(rows.Length, python[task].Length);
            for (var s = 0; s < rows.Length; s++)
            {
                Assert.Equal(rows[s].Length, python[task][s].Length);
                for (var c = 0; c < rows[s].Length; c++)
                {
                    var difference = Math.Abs(rows[s][c] - python[task][s][c]);
                    worst = Math.Max(worst, difference);
                    Assert.True(difference <= Tolerance, $"Task '{task}', sample {s}, output {c}: predictor {rows[s][c]:R}, PyTorch {python[task][s][c]:R}.");
                }
            }
        }

        output.WriteLine($"{model.Definition.Family.ToName()} ({inputName}): max |PyTorch - predictor| = {worst:E2} over {samples.Length} samples and tasks {string.Join(", ", expected.Keys)}");
    }
}
