using MultitaskLearning.Tasks;

namespace MultitaskLearning.Data;

/// <summary>Seeded, stratified train/validation/test splits of a <see cref="MultitaskDataset"/>.</summary>
public static class DatasetSplitter
{
    /// <summary>Splits every input table's rows. Rows are grouped into strata (which tasks a row is labelled for and,
    /// optionally, its class for <see cref="SplitOptions.StratifyByTask"/>); each stratum is shuffled with the seed and
    /// gives ⌈train·n⌉ rows to training, round(validation·n) to validation and the rest to test.</summary>
    /// <param name="dataset">The dataset.</param>
    /// <param name="options">Fractions, seed and stratification; <see langword="null"/> for the defaults.</param>
    /// <returns>The split.</returns>
    public static DatasetSplit Split(MultitaskDataset dataset, SplitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        options ??= new SplitOptions();
        options.Validate();
        TaskTargets? stratifyTargets = null;
        if (options.StratifyByTask is { } stratifyTask)
        {
            stratifyTargets = dataset.GetTargets(stratifyTask);
            if (stratifyTargets.Task.Kind is not (TaskKind.Multiclass or TaskKind.Binary))
            {
                throw new ArgumentException(
                    $"StratifyByTask: task '{stratifyTask}' is a {stratifyTargets.Task.Kind} task; only multiclass and binary tasks can stratify.",
                    nameof(options));
            }
        }

        var random = new Random(options.Seed);
        var train = new Dictionary<string, int[]>(StringComparer.Ordinal);
        var validation = new Dictionary<string, int[]>(StringComparer.Ordinal);
        var test = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var (name, table) in dataset.Inputs.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var tasks = dataset.TasksOf(name).Select(t => dataset.Targets[t.Name]).ToArray();
            var strata = new Dictionary<string, List<int>>(StringComparer.Ordinal);
            var order = new List<string>();
            for (var row = 0; row < table.Count; row++)
            {
                var key = string.Concat(tasks.Select(t => t.RawPresent[row] ? '1' : '0'));
                if (stratifyTargets is not null && stratifyTargets.InputName == name && stratifyTargets.RawPresent[row])
                {
                    key += ":" + stratifyTargets.RawValues[row].ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                if (!strata.TryGetValue(key, out var list))
                {
                    list = [];
                    strata[key] = list;
                    order.Add(key);
                }

                list.Add(row);
            }

            List<int> trainRows = [], validationRows = [], testRows = [];
            foreach (var key in order)
            {
                var rows = strata[key].ToArray();
                random.Shuffle(rows);
                var n = rows.Length;
                var nTrain = Math.Min(n, (int)Math.Ceiling((options.TrainFraction * n) - 1e-9));
                var nValidation = Math.Min(n - nTrain, (int)Math.Round(options.ValidationFraction * n, MidpointRounding.AwayFromZero));
                trainRows.AddRange(rows.Take(nTrain));
                validationRows.AddRange(rows.Skip(nTrain).Take(nValidation));
                testRows.AddRange(rows.Skip(nTrain + nValidation));
            }

            train[name] = [.. trainRows.Order()];
            validation[name] = [.. validationRows.Order()];
            test[name] = [.. testRows.Order()];
        }

        return new DatasetSplit(dataset.SelectRows(train), dataset.SelectRows(validation), dataset.SelectRows(test));
    }
}
