using MultitaskLearning.Tasks;
using Xunit;

namespace MultitaskLearning.Tests.Tasks;

public sealed class LabelVocabularyTests
{
    [Fact]
    public void IndexOf_LabelOf_RoundTrip()
    {
        var vocabulary = new LabelVocabulary(["hello", "i am", "please", "thank"]);
        foreach (var label in vocabulary.Labels)
        {
            Assert.Equal(label, vocabulary.LabelOf(vocabulary.IndexOf(label)));
        }

        Assert.Equal(1, vocabulary.IndexOf("i am"));
    }

    [Fact]
    public void IndexOf_UnknownLabel_ListsKnownLabels()
    {
        var vocabulary = new LabelVocabulary(["cat", "dog"]);
        var error = Assert.Throws<KeyNotFoundException>(() => vocabulary.IndexOf("fish"));
        Assert.Equal("Label 'fish' is not in the vocabulary ['cat', 'dog'].", error.Message);
    }

    [Fact]
    public void Constructor_DuplicateLabel_NamesBothIndices()
    {
        var error = Assert.Throws<ArgumentException>(() => new LabelVocabulary(["a", "b", "a"]));
        Assert.Contains("Label 'a' appears twice in the vocabulary (indices 0 and 2)", error.Message);
    }

    [Fact]
    public void FromObserved_IsSortedAndIgnoresMissing()
    {
        var vocabulary = LabelVocabulary.FromObserved(["dog", null, "cat", "", "dog"]);
        Assert.Equal(["cat", "dog"], vocabulary.Labels);
    }

    [Fact]
    public void Equality_IsByLabelsInOrder()
    {
        Assert.Equal(new LabelVocabulary(["a", "b"]), new LabelVocabulary(["a", "b"]));
        Assert.NotEqual(new LabelVocabulary(["a", "b"]), new LabelVocabulary(["b", "a"]));
    }
}
