using MultitaskLearning.Models;
using MultitaskLearning.Tasks;
using MultitaskLearning.TestUtilities;
using Xunit;
using static TorchSharp.torch;

namespace MultitaskLearning.Tests.Models;

public sealed class ExpertMixtureTests
{
    [Fact]
    public void Cgc_TaskExpertsBelongToTheirTaskAndSharedExpertsToAll()
    {
        // Different output sizes put the two tasks in separate parameter blocks.
        var architecture = new ArchitectureOptions { TrunkLayers = [6], TowerLayers = [4], Experts = 3, TaskExperts = 2 };
        var definition = new MultitaskModelBuilder().AddInput("x", 4).AddTask(TaskDefinition.Regression("score")).AddTask(TaskDefinition.Multiclass("grade", 3))
            .UseFamily(ModelFamily.Cgc, architecture).Build();
        using var network = new MultitaskNetwork(definition);

        // Shared: 3 experts × (weight, bias) (the encoder has no layers). Each task: its gate (2), its 2 experts (4), its block (4).
        Assert.Equal(3 * 2, network.SharedParameters().Count);
        var score = network.TaskParameters("score");
        var pass = network.TaskParameters("grade");
        Assert.Equal(2 + 4 + 4, score.Count);
        Assert.Empty(score.Intersect(pass));
        Assert.Empty(score.Intersect(network.SharedParameters()));
        Assert.Equal(network.parameters().Count(), network.SharedParameters().Count + score.Count + pass.Count);
    }

    [Fact]
    public void Mmoe_GatesAreSoftmaxesOverTheExperts()
    {
        var data = SyntheticData.RelatedTasks(count: 20);
        var definition = MultitaskModelBuilder.FromDataset(data).UseFamily(ModelFamily.Mmoe, new ArchitectureOptions { TrunkLayers = [6], Experts = 5 }).Build();
        using var network = new MultitaskNetwork(definition);
        using var scope = NewDisposeScope();
        var output = network.Forward("features", randn(7, 5));
        Assert.Equal([7L, 2L], output.shape);
        Assert.Throws<InvalidOperationException>(() => network.Represent("features", randn(2, 5)));
    }

    [Fact]
    public void Mmoe_WithoutTrunkLayers_IsRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => new MultitaskModelBuilder()
            .AddInput("x", 3).AddTask(TaskDefinition.Regression("y"))
            .UseFamily(ModelFamily.Mmoe, new ArchitectureOptions { TrunkLayers = [] }).Build());
        Assert.Contains("The mmoe family needs TrunkLayers", error.Message);
    }

    [Fact]
    public void CrossStitch_UnitsStartNearIdentityAndBlockAddingTasks()
    {
        var data = SyntheticData.RelatedTasks(count: 60);
        var definition = MultitaskModelBuilder.FromDataset(data).UseFamily(ModelFamily.CrossStitch, new ArchitectureOptions { TrunkLayers = [6, 4] }).Build();
        using var network = new MultitaskNetwork(definition);
        var units = network.named_parameters().Where(p => p.name.Contains("stitches", StringComparison.Ordinal)).Select(p => p.parameter).ToArray();
        Assert.Equal(2, units.Length);
        Assert.Equal([0.9f, 0.1f, 0.1f, 0.9f], units[0].data<float>().ToArray());
        using var model = new MultitaskTrainer(new MultitaskLearning.Training.TrainerOptions { Epochs = 1 }.Deterministic()).Fit(definition, data);
        Assert.Throws<InvalidOperationException>(() => model.WithAddedTask(TaskDefinition.Regression("extra")));
    }
}
