using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MultitaskLearning.Models;

/// <summary>A stack of fully connected layers, each followed by the activation and dropout; used for encoders and trunks.</summary>
internal sealed class DenseStack : nn.Module
{
    private readonly ModuleList<Linear> layers;
    private readonly Activation activation;
    private readonly double dropout;

    public DenseStack(string name, int inputSize, IReadOnlyList<int> sizes, Activation activation, double dropout)
        : base(name)
    {
        this.activation = activation;
        this.dropout = dropout;
        layers = new ModuleList<Linear>();
        var previous = inputSize;
        foreach (var size in sizes)
        {
            layers.Add(nn.Linear(previous, size));
            previous = size;
        }

        OutputSize = previous;
        RegisterComponents();
    }

    public int OutputSize { get; }

    /// <summary>The layers in order (for the fused training engine).</summary>
    public IReadOnlyList<Linear> Layers => layers.ToArray();

    public Tensor Forward(Tensor x)
    {
        foreach (var layer in layers)
        {
            x = ActivationFunctions.Apply(activation, layer.forward(x));
            if (dropout > 0)
            {
                x = nn.functional.dropout(x, dropout, training);
            }
        }

        return x;
    }
}
