namespace MultitaskLearning.Training.Weighting;

/// <summary>Reads named arrays of saved strategy state, with errors that name the missing or malformed entry.</summary>
internal static class StateValues
{
    /// <summary>The array saved under <paramref name="key"/>, which must have <paramref name="length"/> values.</summary>
    /// <exception cref="InvalidDataException">The entry is missing or has another length.</exception>
    public static double[] Get(IReadOnlyDictionary<string, double[]> state, string key, int length)
    {
        if (!state.TryGetValue(key, out var values))
        {
            throw new InvalidDataException($"Saved strategy state has no entry '{key}'. Entries: {string.Join(", ", state.Keys)}.");
        }

        return values.Length == length
            ? values
            : throw new InvalidDataException($"Saved strategy state entry '{key}' has {values.Length} values; {length} expected.");
    }
}
