namespace MultitaskLearning.Training;

/// <summary>Copies between a module's parameter tensors and the fused engine's flat buffers, which hold each dense
/// weight transposed ([in, out], possibly as a column block of a wider matrix) so that forward products read
/// contiguous rows.</summary>
internal static unsafe class FlatWeights
{
    /// <summary>Copies a dense weight between the module's [out, in] layout and the engine's [in, out] block, whose rows
    /// are <paramref name="flatStride"/> values apart: into the module when <paramref name="toModule"/>, else out of it.</summary>
    public static void CopyTransposed(float* module, float* flat, int inWidth, int outWidth, long flatStride, bool toModule)
    {
        for (var o = 0; o < outWidth; o++)
        {
            for (var i = 0; i < inWidth; i++)
            {
                if (toModule)
                {
                    module[((long)o * inWidth) + i] = flat[(i * flatStride) + o];
                }
                else
                {
                    flat[(i * flatStride) + o] = module[((long)o * inWidth) + i];
                }
            }
        }
    }

    /// <summary>Copies <paramref name="count"/> values unchanged: into the module when <paramref name="toModule"/>, else out of it.</summary>
    public static void Copy(float* module, float* flat, long count, bool toModule)
    {
        var bytes = count * sizeof(float);
        if (toModule)
        {
            Buffer.MemoryCopy(flat, module, bytes, bytes);
        }
        else
        {
            Buffer.MemoryCopy(module, flat, bytes, bytes);
        }
    }
}
