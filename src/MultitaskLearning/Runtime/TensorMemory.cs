using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace MultitaskLearning.Runtime;

/// <summary>Raw access to the memory of contiguous CPU tensors, for the fused training kernels.</summary>
internal static partial class TensorMemory
{
    /// <summary>The address of the first element of a contiguous float32 CPU tensor.</summary>
    /// <param name="tensor">The tensor; it must stay alive while the pointer is used.</param>
    /// <returns>The pointer.</returns>
    /// <exception cref="ArgumentException">The tensor is not a contiguous float32 tensor on the CPU.</exception>
    public static unsafe float* Floats(Tensor tensor)
    {
        if (tensor.dtype != ScalarType.Float32 || tensor.device_type != TorchSharp.DeviceType.CPU || !tensor.is_contiguous())
        {
            throw new ArgumentException($"Expected a contiguous float32 CPU tensor; got {tensor.dtype} on {tensor.device} (contiguous: {tensor.is_contiguous()}).", nameof(tensor));
        }

        return (float*)THSTensor_data(tensor.Handle);
    }

    /// <summary>A copy of a tensor's values as float32, row-major, from any device.</summary>
    /// <param name="tensor">The tensor.</param>
    /// <returns>The values.</returns>
    public static float[] CopyToArray(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using var scope = NewDisposeScope();
        return tensor.detach().cpu().to(ScalarType.Float32).contiguous().data<float>().ToArray();
    }

    [LibraryImport("LibTorchSharp")]
    private static partial IntPtr THSTensor_data(IntPtr handle);
}
