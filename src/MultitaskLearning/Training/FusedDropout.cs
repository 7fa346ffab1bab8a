using MultitaskLearning.Kernels;
using MultitaskLearning.Models;

namespace MultitaskLearning.Training;

/// <summary>One dropout layer as the fused engine runs it: the rate, and the key and slice of its masks in the
/// network's <see cref="DropoutMasks"/>, which the autograd engine draws too.</summary>
/// <param name="Rate">The probability of dropping a unit.</param>
/// <param name="Key">The layer's key.</param>
/// <param name="Slice">The slice of the layer's masks (a task's slice of a stacked task block; 0 elsewhere).</param>
internal sealed record FusedDropout(double Rate, int Key, int Slice)
{
    /// <summary>The dropout layer right after position <paramref name="index"/> of <paramref name="layers"/> (after an
    /// activation), or null when there is none.</summary>
    public static FusedDropout? After(IReadOnlyList<LayerDescription> layers, int index) =>
        index + 1 < layers.Count && layers[index + 1].Kind == LayerKind.Dropout
            ? new FusedDropout(layers[index + 1].DropoutRate, layers[index + 1].DropoutKey, layers[index + 1].DropoutSlice)
            : null;

    /// <summary>Draws the step's mask for <paramref name="batch"/> rows of <paramref name="columns"/> values into
    /// <paramref name="mask"/> (rows <paramref name="stride"/> apart) and applies it: dropped ← outputs ⊙ mask over
    /// the same columns.</summary>
    public unsafe void Forward(DropoutMasks masks, float* outputs, float* mask, float* dropped, int batch, int columns, int stride)
    {
        masks.Fill(Key, Slice, 0, batch, columns, Rate, mask, stride);
        for (var i = 0; i < batch; i++)
        {
            var row = (long)i * stride;
            VectorMath.Multiply(outputs + row, mask + row, dropped + row, columns);
        }
    }

    /// <summary>gradient ← gradient ⊙ mask over the same columns: from the dropped outputs' gradient to the outputs'.</summary>
    public static unsafe void Backward(float* gradient, float* mask, int batch, int columns, int stride)
    {
        for (var i = 0; i < batch; i++)
        {
            var row = (long)i * stride;
            VectorMath.Multiply(gradient + row, mask + row, gradient + row, columns);
        }
    }
}
