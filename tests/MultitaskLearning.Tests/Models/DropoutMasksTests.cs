using MultitaskLearning.Models;
using Xunit;
using static TorchSharp.torch;

namespace MultitaskLearning.Tests.Models;

/// <summary>The seeded dropout masks both training engines draw.</summary>
public sealed unsafe class DropoutMasksTests
{
    [Theory]
    [InlineData(0.1)]
    [InlineData(0.3)]
    [InlineData(0.5)]
    public void Masks_DropAboutTheRate_AndScaleTheRest(double rate)
    {
        var masks = new DropoutMasks { Seed = 5, Step = 17 };
        var values = Fill(masks, key: 2, slice: 0, firstRow: 0, rows: 100, columns: 100, rate);
        var dropped = values.Count(v => v == 0);
        var expected = rate * values.Length;
        var spread = 4 * Math.Sqrt(values.Length * rate * (1 - rate)); // four binomial standard deviations
        Assert.InRange(dropped, expected - spread, expected + spread);
        Assert.All(values.Where(v => v != 0), v => Assert.Equal((float)(1 / (1 - rate)), v));
    }

    [Fact]
    public void Masks_DependOnSeedStepKeyAndSlice_AndOnNothingElse()
    {
        var masks = new DropoutMasks { Seed = 1, Step = 3 };
        var reference = Fill(masks, key: 0, slice: 0, firstRow: 0, rows: 20, columns: 30, rate: 0.5);
        Assert.Equal(reference, Fill(masks, key: 0, slice: 0, firstRow: 0, rows: 20, columns: 30, rate: 0.5));

        // Rows 5 … 19 drawn on their own are the same rows of the whole mask (threads may draw parts of a batch).
        Assert.Equal(reference[(5 * 30)..], Fill(masks, key: 0, slice: 0, firstRow: 5, rows: 15, columns: 30, rate: 0.5));

        Assert.NotEqual(reference, Fill(masks, key: 1, slice: 0, firstRow: 0, rows: 20, columns: 30, rate: 0.5));
        Assert.NotEqual(reference, Fill(masks, key: 0, slice: 1, firstRow: 0, rows: 20, columns: 30, rate: 0.5));
        masks.Step = 4;
        Assert.NotEqual(reference, Fill(masks, key: 0, slice: 0, firstRow: 0, rows: 20, columns: 30, rate: 0.5));
        masks.Step = 3;
        masks.Seed = 2;
        Assert.NotEqual(reference, Fill(masks, key: 0, slice: 0, firstRow: 0, rows: 20, columns: 30, rate: 0.5));
    }

    [Fact]
    public void TensorMask_OfAStack_HasEachSliceAsItsOwn2DMask()
    {
        var masks = new DropoutMasks { Seed = 9, Step = 2 };
        using var stacked = masks.Mask(key: 4, slice: 0, [3, 6, 5], rate: 0.4, CPU);
        for (var s = 0; s < 3; s++)
        {
            using var own = masks.Mask(key: 4, slice: s, [6, 5], rate: 0.4, CPU);
            using var slice = stacked[s];
            Assert.Equal(own.data<float>().ToArray(), slice.contiguous().data<float>().ToArray());
        }
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    public void RateOutsideZeroToOne_IsRefused(double rate)
    {
        var masks = new DropoutMasks();
        Assert.Throws<ArgumentOutOfRangeException>(() => Fill(masks, 0, 0, 0, 1, 1, rate));
    }

    [Fact]
    public void NetworkDropoutLayers_GetDistinctKeys()
    {
        var data = Training.FusedEngineTests.MixedTasks(20, seed: 1);
        var definition = MultitaskModelBuilder.FromDataset(data, i => i with { EncoderLayers = [6] })
            .UseFamily(ModelFamily.Hybrid, new ArchitectureOptions { TrunkLayers = [5, 4], TowerLayers = [3, 3], Dropout = 0.2 }).Build();
        using var network = new MultitaskNetwork(definition);
        var description = network.Describe(definition.Inputs[0].Name);
        var shared = description.Shared.Where(l => l.Kind == LayerKind.Dropout).Select(l => l.DropoutKey).ToArray();
        var towers = description.Tasks.SelectMany(t => t.Layers.Where(l => l.Kind == LayerKind.Dropout).Select((l, level) => (l.DropoutKey, level, l.DropoutSlice))).ToArray();
        Assert.Equal(3, shared.Length); // the encoder layer and both trunk layers
        Assert.Equal(shared.Length, shared.Distinct().Count());
        Assert.DoesNotContain(towers, t => shared.Contains(t.DropoutKey));
        Assert.Equal(2 * definition.TaskBlocks.Count, towers.Select(t => t.DropoutKey).Distinct().Count()); // per block and tower level, sliced per task
        Assert.Equal(towers.Length, towers.Select(t => (t.DropoutKey, t.DropoutSlice)).Distinct().Count());
    }

    private static float[] Fill(DropoutMasks masks, int key, int slice, int firstRow, int rows, int columns, double rate)
    {
        var values = new float[rows * columns];
        fixed (float* pointer = values)
        {
            masks.Fill(key, slice, firstRow, rows, columns, rate, pointer, columns);
        }

        return values;
    }
}
