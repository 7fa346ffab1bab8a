namespace MultitaskLearning.Training;

/// <summary>Checks that an <see cref="OptimizerSnapshot"/> fits the run it is imported into.</summary>
internal static class OptimizerSnapshots
{
    /// <summary>The buffers each optimiser keeps once a parameter has been updated.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The optimiser is unknown.</exception>
    public static IReadOnlyList<string> BufferNames(OptimizerKind optimizer, double momentum) => optimizer switch
    {
        OptimizerKind.Sgd => momentum > 0 ? ["momentum"] : [],
        OptimizerKind.Adam or OptimizerKind.AdamW => ["exp_avg", "exp_avg_sq"],
        _ => throw new ArgumentOutOfRangeException(nameof(optimizer), optimizer, "Unknown optimiser."),
    };

    /// <summary>Throws unless the snapshot is of <paramref name="optimizer"/> and holds, for every trained parameter,
    /// buffers of the parameter's size.</summary>
    /// <exception cref="InvalidDataException">It does not fit; the message names the parameter or optimiser.</exception>
    public static void CheckMatches(OptimizerSnapshot snapshot, OptimizerKind optimizer, double momentum, TrainableParameters trainable)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.Optimizer != optimizer)
        {
            throw new InvalidDataException($"The saved optimiser state is {snapshot.Optimizer}'s, but this run uses {optimizer}.");
        }

        var names = trainable.All.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var extra = snapshot.Parameters.Keys.Where(n => !names.Contains(n)).ToArray();
        if (extra.Length > 0)
        {
            throw new InvalidDataException($"The saved optimiser state has parameters this run does not train: {string.Join(", ", extra)}.");
        }

        foreach (var (name, parameter) in trainable.All)
        {
            if (!snapshot.Parameters.TryGetValue(name, out var state))
            {
                throw new InvalidDataException($"The saved optimiser state has no entry for parameter '{name}'.");
            }

            var missing = state.Steps > 0 ? BufferNames(optimizer, momentum).Where(b => !state.Buffers.ContainsKey(b)).ToArray() : [];
            if (missing.Length > 0)
            {
                throw new InvalidDataException($"The saved optimiser state of parameter '{name}' lacks {string.Join(", ", missing)}.");
            }

            foreach (var (buffer, values) in state.Buffers)
            {
                if (values.LongLength != parameter.numel())
                {
                    throw new InvalidDataException($"The saved optimiser buffer '{buffer}' of parameter '{name}' has {values.LongLength} values; the parameter has {parameter.numel()}.");
                }
            }
        }
    }
}
