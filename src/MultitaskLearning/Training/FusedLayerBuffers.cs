using MultitaskLearning.Models;

namespace MultitaskLearning.Training;

/// <summary>The buffers of one dense level of the fused engine's learned-sharing stages (experts, cross-stitch columns),
/// all the level's units side by side: outputs before and after the activation (one buffer for ReLU, which keeps only
/// its output), the dropout masks and the outputs after dropout (the outputs themselves without dropout), and the
/// gradients of the outputs.</summary>
internal sealed unsafe class FusedLayerBuffers
{
    private FusedLayerBuffers(float* preActivations, float* outputs, float* masks, float* dropped, float* gradients)
    {
        PreActivations = preActivations;
        Outputs = outputs;
        Masks = masks;
        Dropped = dropped;
        Gradients = gradients;
    }

    public float* PreActivations { get; }

    public float* Outputs { get; }

    /// <summary>The dropout masks, or null without dropout.</summary>
    public float* Masks { get; }

    /// <summary>The outputs after dropout: what the next level reads.</summary>
    public float* Dropped { get; }

    public float* Gradients { get; }

    /// <summary>Allocates <paramref name="length"/> values per buffer the level needs.</summary>
    public static FusedLayerBuffers Allocate(Func<long, IntPtr> allocate, long length, Activation activation, bool dropout)
    {
        var outputs = (float*)allocate(length);
        return new FusedLayerBuffers(
            activation == Activation.ReLU ? outputs : (float*)allocate(length),
            outputs,
            dropout ? (float*)allocate(length) : null,
            dropout ? (float*)allocate(length) : outputs,
            (float*)allocate(length));
    }

    /// <summary>From the gradient of the dropped outputs (in <see cref="Gradients"/>, rows of <paramref name="stride"/>
    /// values) to that of the pre-activations, in place: the masks, then the activation's derivative.</summary>
    public void Backward(Activation activation, int batch, int stride)
    {
        if (Masks != null)
        {
            FusedDropout.Backward(Gradients, Masks, batch, stride, stride);
        }

        FusedActivation.Backward(activation, Gradients, PreActivations, Outputs, (long)batch * stride);
    }
}
