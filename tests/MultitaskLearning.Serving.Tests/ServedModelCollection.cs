using Xunit;

namespace MultitaskLearning.Serving.Tests;

/// <summary>The test classes that share one trained model and one running server.</summary>
[CollectionDefinition(Name)]
public sealed class ServedModelCollection : ICollectionFixture<ServedModelFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "served model";
}
