using System.Text.Json;
using MultitaskLearning.Inference;
using MultitaskLearning.Tasks;
using Xunit;

namespace MultitaskLearning.Serving.Tests;

/// <summary>Compares the server's JSON predictions with the library predictor's, value for value.</summary>
internal static class PredictionAssert
{
    public static void Equal(IReadOnlyList<IReadOnlyDictionary<string, TaskPrediction>> expected, JsonElement predictions)
    {
        Assert.Equal(expected.Count, predictions.GetArrayLength());
        var s = 0;
        foreach (var sample in predictions.EnumerateArray())
        {
            Assert.Equal(expected[s].Keys.Order(StringComparer.Ordinal), sample.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
            foreach (var (task, prediction) in expected[s])
            {
                var actual = sample.GetProperty(task);
                Assert.Equal(prediction.Kind.ToString(), actual.GetProperty("kind").GetString());
                switch (prediction.Kind)
                {
                    case TaskKind.Regression:
                        Assert.Equal(prediction.Values!, actual.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()));
                        Assert.False(actual.TryGetProperty("probabilities", out _));
                        break;
                    case TaskKind.MultiLabel:
                        Assert.Equal(prediction.Labels!, actual.GetProperty("labels").EnumerateArray().Select(v => v.GetString()!));
                        AssertProbabilities(prediction, actual);
                        break;
                    default:
                        Assert.Equal(prediction.Label, actual.GetProperty("label").GetString());
                        AssertProbabilities(prediction, actual);
                        break;
                }
            }

            s++;
        }
    }

    private static void AssertProbabilities(TaskPrediction expected, JsonElement actual)
    {
        var probabilities = actual.GetProperty("probabilities").EnumerateObject().Select(p => (p.Name, p.Value.GetDouble())).ToArray();
        Assert.Equal(expected.Probabilities!.Select(p => (p.Key, p.Value)), probabilities);
    }
}
