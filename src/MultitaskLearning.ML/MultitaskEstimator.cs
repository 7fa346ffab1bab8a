using Microsoft.ML;
using MultitaskLearning.Data;
using MultitaskLearning.Models;
using MultitaskLearning.Tasks;

namespace MultitaskLearning.ML;

/// <summary>
/// Trains one multitask model on an <see cref="IDataView"/>: the feature columns (<c>Single</c> or vectors of
/// <c>Single</c>, concatenated in order) feed every task, and each task reads its own label column. Labels may be
/// missing — NaN for numbers, an empty string, key 0 — and a row without a task's label adds nothing to that task's loss.
/// </summary>
/// <remarks>Label types: multiclass — text (a label of the task's vocabulary), a key (through its key values when it
/// has them, else key k = class k − 1) or a <c>Single</c>/<c>Double</c> class index; binary — also <c>Boolean</c> or 0/1;
/// regression — <c>Single</c>/<c>Double</c>, or a vector of <c>Single</c> for several outputs.</remarks>
public sealed class MultitaskEstimator : IEstimator<MultitaskTransformer>
{
    private readonly MultitaskEstimatorOptions options;

    /// <summary>Creates the estimator.</summary>
    /// <param name="options">The tasks, columns, model and trainer options.</param>
    /// <exception cref="ArgumentException">There are no tasks, two share a name, a task is multi-label, or there is no feature column.</exception>
    public MultitaskEstimator(MultitaskEstimatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Tasks is null || options.Tasks.Count == 0)
        {
            throw new ArgumentException("The estimator needs at least one task.", nameof(options));
        }

        if (options.FeatureColumnNames is null || options.FeatureColumnNames.Count == 0)
        {
            throw new ArgumentException("The estimator needs at least one feature column.", nameof(options));
        }

        var duplicate = options.Tasks.GroupBy(t => t.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Two tasks are named '{duplicate.Key}'; task names must be unique.", nameof(options));
        }

        var multiLabel = options.Tasks.FirstOrDefault(t => t.Kind == TaskKind.MultiLabel);
        if (multiLabel is not null)
        {
            throw new ArgumentException(
                $"Task '{multiLabel.Name}' is multi-label; the ML.NET estimator trains multiclass, binary and regression tasks.", nameof(options));
        }

        this.options = options;
    }

    /// <summary>Trains on all rows of <paramref name="input"/>.</summary>
    /// <param name="input">The training data.</param>
    /// <returns>The trained transformer; the caller disposes it.</returns>
    /// <exception cref="ArgumentException">A feature or label column is missing or of the wrong type; the message names the column.</exception>
    /// <exception cref="InvalidDataException">A label is not one of its task's labels or classes; the message names the column and row.</exception>
    public MultitaskTransformer Fit(IDataView input) => Fit(input, null);

    /// <summary>Trains on <paramref name="input"/>, validating on <paramref name="validation"/> (for early stopping and the
    /// validation history).</summary>
    /// <param name="input">The training data.</param>
    /// <param name="validation">Validation data with the same columns, or <see langword="null"/>.</param>
    /// <returns>The trained transformer; the caller disposes it.</returns>
    /// <exception cref="ArgumentException">A feature or label column is missing or of the wrong type; the message names the column.</exception>
    /// <exception cref="InvalidDataException">A label is not one of its task's labels or classes; the message names the column and row.</exception>
    public MultitaskTransformer Fit(IDataView input, IDataView? validation)
    {
        ArgumentNullException.ThrowIfNull(input);
        var training = ReadDataset(input);
        var validationSet = validation is null ? null : ReadDataset(validation);
        var definition = MultitaskModelBuilder.FromDataset(training, options.ConfigureInput)
            .UseFamily(options.Family, options.Architecture)
            .Build();
        var model = new MultitaskTrainer(options.Trainer).Fit(definition, training, validationSet);
        return new MultitaskTransformer(model, options.FeatureColumnNames);
    }

    /// <summary>The schema shape after the transformer: the input's columns and the prediction columns.</summary>
    /// <param name="inputSchema">The input's shape.</param>
    /// <returns>The output shape.</returns>
    /// <exception cref="ArgumentException">A feature column is missing or of the wrong type; the message names it.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        FeatureColumns.Check(inputSchema, options.FeatureColumnNames);
        var outputs = new PredictionColumns(options.Tasks);
        var added = outputs.ShapeColumns().ToArray();
        var names = new HashSet<string>(added.Select(c => c.Name), StringComparer.Ordinal);
        return new SchemaShape(inputSchema.Where(c => !names.Contains(c.Name)).Concat(added));
    }

    /// <summary>Reads the features and labels of every row into a dataset.</summary>
    internal MultitaskDataset ReadDataset(IDataView data)
    {
        var features = FeatureColumns.Resolve(data.Schema, options.FeatureColumnNames);
        var labels = options.Tasks.Select(t => TaskLabelReader.Create(data.Schema, t, options.LabelColumnOf(t.Name))).ToArray();
        var active = features.Columns.Concat(labels.Select(l => l.Column)).GroupBy(c => c.Index).Select(g => g.First());
        var values = new List<float>();
        var row = new float[features.Width];
        long rows = 0;
        using (var cursor = data.GetRowCursor(active))
        {
            var readFeatures = features.CreateReader(cursor);
            foreach (var label in labels)
            {
                label.Bind(cursor);
            }

            while (cursor.MoveNext())
            {
                readFeatures(row);
                values.AddRange(row);
                foreach (var label in labels)
                {
                    label.ReadCurrent(rows);
                }

                rows++;
            }
        }

        if (rows == 0)
        {
            throw new ArgumentException("The data has no rows.", nameof(data));
        }

        return new MultitaskDatasetBuilder(options.Tasks)
            .AddSamples(MultitaskTransformer.InputName, [.. values], [features.Width], labels.ToDictionary(l => l.Task.Name, l => l.ToLabelColumn()))
            .Build();
    }
}
