using MultitaskLearning.Inference;
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
            AssertParity(model, new Dictionary<string, float[][]> { ["features"] = samples });
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
            AssertParity(model, new Dictionary<string, float[][]> { [twoDimensional ? "image" : "signal"] = samples });
        }
    }

    [TheoryRequiresPyTorch]
    [InlineData(ModelFamily.SharedTrunk)]
    [InlineData(ModelFamily.TaskSpecific)]
    [InlineData(ModelFamily.Cgc)]
    [InlineData(ModelFamily.CrossStitch)]
    public void TwoInputs_DenseAndConvolutional_PythonRebuildMatchesThePredictor(ModelFamily family)
    {
        var (model, samples) = InteropData.TrainTwoInputs(family);
        using (model)
        {
            AssertParity(model, samples);
        }
    }

    private void AssertParity(MultitaskModel model, IReadOnlyDictionary<string, float[][]> samplesByInput)
    {
        var export = Path.Combine(folder, "export");
        model.ExportPyTorch(export);
        var python = RebuildScript.Run(export, samplesByInput);
        Assert.Equal(samplesByInput.Keys.Order(), python.Keys.Order());
        using var predictor = model.CreatePredictor();
        foreach (var (inputName, samples) in samplesByInput)
        {
            AssertParity(predictor, inputName, samples, python[inputName]);
        }
    }

    private void AssertParity(MultitaskPredictor predictor, string inputName, float[][] samples, Dictionary<string, double[][]> python)
    {
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

        output.WriteLine($"{predictor.Definition.Family.ToName()} ({inputName}): max |PyTorch - predictor| = {worst:E2} over {samples.Length} samples and tasks {string.Join(", ", expected.Keys)}");
    }
}
