using MultitaskLearning.Models;

namespace MultitaskLearning.Tests.Interop;

/// <summary>One briefly trained shared-trunk model on the tabular data, shared by the import validation tests.</summary>
public sealed class ExportedModelFixture : IDisposable
{
    public ExportedModelFixture()
    {
        (Model, Samples) = InteropData.TrainTabular(ModelFamily.SharedTrunk, Activation.ReLU);
    }

    public MultitaskModel Model { get; }

    public float[][] Samples { get; }

    public void Dispose() => Model.Dispose();
}
