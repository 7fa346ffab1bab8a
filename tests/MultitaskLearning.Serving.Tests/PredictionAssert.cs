using System.Text.Json;
using MultitaskLearning.Inference;
using MultitaskLearning.Tasks;
using Xunit;

namespace MultitaskLearning.Serving.Tests;

/// <summary>Compares the server's JSON predictions with the library predictor's: labels exactly, probabilities and
/// values exactly (library back end) or within a tolerance (ONNX Runtime computes in its own order).</summary>
internal static class PredictionAssert
{
    public static void Equal(IReadOnlyList<IReadOnlyDictionary<string, TaskPrediction>> expected, JsonElement predictions, double tolerance = 0)
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
                        AssertClose(prediction.Values!, actual.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray(), tolerance);
                        Assert.False(actual.TryGetProperty("probabilities", out _));
                        break;
                    case TaskKind.MultiLabel:
                        Assert.Equal(prediction.Labels!, actual.GetProperty("labels").EnumerateArray().Select(v => v.GetString()!));
                        AssertProbabilities(prediction, actual, tolerance);
                        break;
                    default:
                        Assert.Equal(prediction.Label, actual.GetProperty("label").GetString());
                        AssertProbabilities(prediction, actual, tolerance);
                        break;
                }
            }

            s++;
        }
    }

    private static void AssertProbabilities(TaskPrediction expected, JsonElement actual, double tolerance)
    {
        var probabilities = actual.GetProperty("probabilities").EnumerateObject().ToArray();
        Assert.Equal(expected.Probabilities!.Keys, probabilities.Select(p => p.Name));
        AssertClose(expected.Probabilities!.Values.ToArray(), probabilities.Select(p => p.Value.GetDouble()).ToArray(), tolerance);
    }

    /// <summary>Equal values, or within <paramref name="tolerance"/> relative to max(1, |expected|).</summary>
    private static void AssertClose(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double tolerance)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            if (tolerance == 0)
            {
                Assert.Equal(expected[i], actual[i]);
            }
            else
            {
                Assert.True(
                    Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])),
                    $"Value {i}: expected {expected[i]:R}, got {actual[i]:R} (tolerance {tolerance}).");
            }
        }
    }
}
