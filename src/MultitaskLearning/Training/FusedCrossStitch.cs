using MultitaskLearning.Kernels;
using MultitaskLearning.Models;

namespace MultitaskLearning.Training;

/// <summary>
/// The fused engine's cross-stitch stage (<see cref="CrossStitchColumns"/>): one column of dense layers per task, the
/// first layer of every column in one product from the shared representation, the deeper ones per column; after each
/// layer the activation, dropout (slice t of the layer's masks for column t, as autograd draws them on [T, B, w]) and
/// the cross-stitch unit, column t's next input being Σ_s α_ts · column s's output. Every parameter is shared (the
/// columns and units are trained by all tasks' losses), as in the network. Activations are [B, T·w], column t's at t·w.
/// </summary>
internal sealed unsafe class FusedCrossStitch : IFusedTaskMixer
{
    private readonly CrossStitchColumns module;
    private readonly KernelThreads threads;
    private readonly int columns;
    private readonly int inputWidth;
    private readonly int[] levelWidths;
    private readonly Activation activation;
    private readonly FusedDropout?[][] dropouts;
    private readonly DropoutMasks? masks;
    private readonly long[] weightOffsets;
    private readonly long[] biasOffsets;
    private readonly long[] stitchOffsets;
    private float* parameters;
    private float* gradients;

    /// <summary>Per layer, [B, T·w]: the columns' outputs, the stitched outputs and their gradients.</summary>
    private FusedLayerBuffers[] levels = [];
    private float*[] stitched = [];
    private float*[] stitchedGradients = [];

    private FusedCrossStitch(LayerDescription layer, int taskCount, KernelThreads threads)
    {
        module = layer.CrossStitch!;
        this.threads = threads;
        columns = taskCount;
        inputWidth = layer.InputSize;
        levelWidths = Enumerable.Range(0, module.LayerCount).Select(l => (int)module.Weight(l).shape[2]).ToArray();
        activation = layer.Activation;
        masks = layer.Masks;
        dropouts = Enumerable.Range(0, module.LayerCount)
            .Select(l => Enumerable.Range(0, columns).Select(t => layer.DropoutRate > 0 ? new FusedDropout(layer.DropoutRate, module.DropoutKeys[l], t) : null).ToArray())
            .ToArray();
        weightOffsets = new long[levelWidths.Length * columns];
        biasOffsets = new long[levelWidths.Length * columns];
        stitchOffsets = new long[levelWidths.Length];
    }

    /// <inheritdoc/>
    public int OutputWidth => levelWidths[^1];

    /// <inheritdoc/>
    public float* Mixed => stitched[^1];

    /// <inheritdoc/>
    public float* MixedGradients => stitchedGradients[^1];

    /// <summary>Why the engine cannot run these columns (their activation), or <see langword="null"/>.</summary>
    public static string? Unsupported(LayerDescription layer) => FusedActivation.Unsupported(layer.Activation);

    /// <summary>The stage for the columns of <paramref name="layer"/> (a <see cref="LayerKind.CrossStitch"/> layer
    /// accepted by <see cref="Unsupported"/>), one per task of the engine.</summary>
    public static FusedCrossStitch Create(LayerDescription layer, int taskCount, KernelThreads threads)
    {
        var columnCount = (int)layer.CrossStitch!.Weight(0).shape[0];
        return columnCount == taskCount
            ? new FusedCrossStitch(layer, taskCount, threads)
            : throw new InvalidOperationException($"The cross-stitch layer has {columnCount} columns for {taskCount} tasks.");
    }

    /// <inheritdoc/>
    public long LayOutShared(long offset)
    {
        // Layer 0 of every column as one [in, T·w₀] matrix and its biases; deeper layers per column; each unit [T, T].
        weightOffsets[0] = offset;
        offset += (long)inputWidth * columns * levelWidths[0];
        biasOffsets[0] = offset;
        offset += (long)columns * levelWidths[0];
        for (var l = 1; l < levelWidths.Length; l++)
        {
            for (var t = 0; t < columns; t++)
            {
                weightOffsets[(l * columns) + t] = offset;
                offset += (long)levelWidths[l - 1] * levelWidths[l];
                biasOffsets[(l * columns) + t] = offset;
                offset += levelWidths[l];
            }
        }

        for (var l = 0; l < levelWidths.Length; l++)
        {
            stitchOffsets[l] = offset;
            offset += (long)columns * columns;
        }

        return offset;
    }

    /// <inheritdoc/>
    public long LayOutTaskSpecific(long offset) => offset;

    /// <inheritdoc/>
    public void Bind(float* parameters, float* gradients, Func<long, IntPtr> allocate, int maxBatch)
    {
        this.parameters = parameters;
        this.gradients = gradients;
        levels = levelWidths.Select((width, l) => FusedLayerBuffers.Allocate(allocate, (long)maxBatch * columns * width, activation, dropouts[l][0] is not null)).ToArray();
        stitched = new float*[levelWidths.Length];
        stitchedGradients = new float*[levelWidths.Length];
        for (var l = 0; l < levelWidths.Length; l++)
        {
            stitched[l] = (float*)allocate((long)maxBatch * columns * levelWidths[l]);
            stitchedGradients[l] = (float*)allocate((long)maxBatch * columns * levelWidths[l]);
        }
    }

    /// <inheritdoc/>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Forward(float* h, int batch)
    {
        for (var l = 0; l < levelWidths.Length; l++)
        {
            var width = levelWidths[l];
            var stride = columns * width;
            if (l == 0)
            {
                VectorMath.BroadcastRows(parameters + biasOffsets[0], stride, levels[0].PreActivations, batch);
                Sgemm.Multiply(false, false, batch, stride, inputWidth, 1, h, inputWidth, parameters + weightOffsets[0], stride, 1, levels[0].PreActivations, stride, threads);
            }
            else
            {
                var inWidth = levelWidths[l - 1];
                for (var t = 0; t < columns; t++)
                {
                    var target = levels[l].PreActivations + (t * width);
                    VectorMath.BroadcastRows(parameters + biasOffsets[(l * columns) + t], width, target, batch, stride);
                    Sgemm.Multiply(false, false, batch, width, inWidth, 1, stitched[l - 1] + (t * inWidth), columns * inWidth, parameters + weightOffsets[(l * columns) + t], width, 1, target, stride, threads);
                }
            }

            var level = levels[l];
            FusedActivation.Forward(activation, level.PreActivations, level.Outputs, (long)batch * stride);
            for (var t = 0; t < columns; t++)
            {
                dropouts[l][t]?.Forward(masks!, level.Outputs + (t * width), level.Masks + (t * width), level.Dropped + (t * width), batch, width, stride);
            }

            // The unit: column t's stitched output is Σ_s α_ts · column s's output.
            var stitch = parameters + stitchOffsets[l];
            for (var b = 0; b < batch; b++)
            {
                var row = (long)b * stride;
                for (var t = 0; t < columns; t++)
                {
                    var target = stitched[l] + row + (t * width);
                    new Span<float>(target, width).Clear();
                    for (var s = 0; s < columns; s++)
                    {
                        VectorMath.MultiplyAdd(stitch[(t * columns) + s], level.Dropped + row + (s * width), target, width);
                    }
                }
            }
        }
    }

    /// <inheritdoc/>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Backward(float* h, int batch, float* inputGradient)
    {
        for (var l = levelWidths.Length - 1; l >= 0; l--)
        {
            var width = levelWidths[l];
            var stride = columns * width;

            // The unit: ∂α_ts = Σ_b ⟨∂stitched_t, output_s⟩; ∂output_s = Σ_t α_ts ∂stitched_t.
            var level = levels[l];
            var stitch = parameters + stitchOffsets[l];
            var stitchGradient = gradients + stitchOffsets[l];
            new Span<float>(stitchGradient, columns * columns).Clear();
            new Span<float>(level.Gradients, checked(batch * stride)).Clear();
            for (var b = 0; b < batch; b++)
            {
                var row = (long)b * stride;
                for (var t = 0; t < columns; t++)
                {
                    var fromStitched = stitchedGradients[l] + row + (t * width);
                    for (var s = 0; s < columns; s++)
                    {
                        stitchGradient[(t * columns) + s] += (float)VectorMath.Dot(fromStitched, level.Dropped + row + (s * width), width);
                        VectorMath.MultiplyAdd(stitch[(t * columns) + s], fromStitched, level.Gradients + row + (s * width), width);
                    }
                }
            }

            level.Backward(activation, batch, stride);
            if (l == 0)
            {
                Sgemm.Multiply(true, false, inputWidth, stride, batch, 1, h, inputWidth, level.Gradients, stride, 0, gradients + weightOffsets[0], stride, threads);
                VectorMath.ColumnSums(level.Gradients, batch, stride, gradients + biasOffsets[0]);
                if (inputGradient != null)
                {
                    Sgemm.Multiply(false, true, batch, inputWidth, stride, 1, level.Gradients, stride, parameters + weightOffsets[0], stride, 0, inputGradient, inputWidth, threads);
                }

                break;
            }

            var inWidth = levelWidths[l - 1];
            for (var t = 0; t < columns; t++)
            {
                var dz = level.Gradients + (t * width);
                var (weight, bias) = (weightOffsets[(l * columns) + t], biasOffsets[(l * columns) + t]);
                Sgemm.Multiply(true, false, inWidth, width, batch, 1, stitched[l - 1] + (t * inWidth), columns * inWidth, dz, stride, 0, gradients + weight, width, threads);
                VectorMath.ColumnSums(dz, batch, width, stride, gradients + bias);
                Sgemm.Multiply(false, true, batch, inWidth, width, 1, dz, stride, parameters + weight, width, 0, stitchedGradients[l - 1] + (t * inWidth), columns * inWidth, threads);
            }
        }
    }

    /// <inheritdoc/>
    public void Transfer(float* flatBase, ParameterLocator locate, bool toModule)
    {
        // The module holds layer l as [T, in, out] (slice t is column t's [in, out], the engine's own layout), biases
        // as [T, 1, out] and each unit as [T, T].
        for (var l = 0; l < levelWidths.Length; l++)
        {
            var inWidth = l == 0 ? inputWidth : levelWidths[l - 1];
            var width = levelWidths[l];
            var weight = locate(module.Weight(l));
            var bias = locate(module.Bias(l));
            for (var t = 0; t < columns; t++)
            {
                var slice = weight + ((long)t * inWidth * width);
                if (l == 0)
                {
                    for (var r = 0; r < inWidth; r++)
                    {
                        FlatWeights.Copy(slice + ((long)r * width), flatBase + weightOffsets[0] + ((long)r * columns * width) + (t * width), width, toModule);
                    }

                    FlatWeights.Copy(bias + ((long)t * width), flatBase + biasOffsets[0] + (t * width), width, toModule);
                }
                else
                {
                    FlatWeights.Copy(slice, flatBase + weightOffsets[(l * columns) + t], (long)inWidth * width, toModule);
                    FlatWeights.Copy(bias + ((long)t * width), flatBase + biasOffsets[(l * columns) + t], width, toModule);
                }
            }

            FlatWeights.Copy(locate(module.Stitch(l)), flatBase + stitchOffsets[l], (long)columns * columns, toModule);
        }
    }
}
