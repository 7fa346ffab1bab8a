using static TorchSharp.torch;

namespace MultitaskLearning.Training.Weighting;

/// <summary>State of a weighting with constant weights: Total = Σ_t w_t L_t.</summary>
internal sealed class ConstantWeightsState : LossWeightingState
{
    private readonly double[] weights;
    private readonly Tensor weightTensor;

    public ConstantWeightsState(double[] weights, Device device)
    {
        this.weights = weights;
        weightTensor = tensor(weights.Select(w => (float)w).ToArray(), device: device);
    }

    public override WeightedLoss Combine(Tensor taskLosses, Tensor taskPresent) =>
        new(taskLosses.mul(weightTensor).sum(), weightTensor.alias());

    public override double[] CurrentWeights() => (double[])weights.Clone();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            weightTensor.Dispose();
        }
    }
}
