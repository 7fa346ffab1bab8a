using MultitaskLearning.Data;
using MultitaskLearning.Data.Tabular;
using MultitaskLearning.Tasks;

namespace MultitaskLearning.Samples.SchoolExams;

/// <summary>
/// The School data as 139 regression tasks (one per school), split with the protocol of the multitask literature:
/// a seeded random 75/25 split within each school (⌈0.75·n_t⌉ training rows), features x1–x27 standardised per school
/// with that school's training rows (a column constant in training becomes 0), x28 (the constant bias attribute)
/// dropped because every model has its own bias, and the raw exam score as target.
/// </summary>
internal static class SchoolData
{
    public const int SchoolCount = 139;

    public static IReadOnlyList<TaskDefinition> Tasks { get; } =
        Enumerable.Range(0, SchoolCount).Select(s => TaskDefinition.Regression($"school-{s}")).ToArray();

    public static TabularData Load(string path) => CsvTabularReader.Read(path, Tasks, new CsvTabularOptions
    {
        TaskColumn = "task",
        TargetColumn = "y",
        TaskNamePrefix = "school-",
        IgnoredColumns = ["x28"],
    });

    /// <summary>Splits every school 75/25 with the seed and standardises its features with its training rows.</summary>
    public static IReadOnlyList<School> Split(MultitaskDataset data, int seed)
    {
        var split = DatasetSplitter.Split(data, new SplitOptions { TrainFraction = 0.75, ValidationFraction = 0, Seed = seed });
        return Tasks.Select(task =>
        {
            var (trainX, trainY) = Rows(split.Train, task.Name);
            var (testX, testY) = Rows(split.Test, task.Name);
            var d = trainX[0].Length;
            var mean = new double[d];
            var scale = new double[d];
            for (var j = 0; j < d; j++)
            {
                mean[j] = trainX.Average(r => r[j]);
                var sd = Math.Sqrt(trainX.Average(r => (r[j] - mean[j]) * (r[j] - mean[j])));
                scale[j] = sd > 1e-9 ? sd : double.PositiveInfinity; // constant in training: becomes 0
            }

            float[][] Standardise(float[][] rows) => rows.Select(r => r.Select((v, j) => (float)((v - mean[j]) / scale[j])).ToArray()).ToArray();
            return new School(task.Name, Standardise(trainX), trainY, Standardise(testX), testY);
        }).ToArray();
    }

    /// <summary>A multitask dataset of the schools' training or test rows (one block per school).</summary>
    public static MultitaskDataset ToDataset(IReadOnlyList<School> schools, bool test)
    {
        var builder = new MultitaskDatasetBuilder(Tasks);
        foreach (var school in schools)
        {
            var rows = test ? school.TestFeatures : school.TrainFeatures;
            var scores = test ? school.TestScores : school.TrainScores;
            var matrix = new float[rows.Length, rows[0].Length];
            for (var i = 0; i < rows.Length; i++)
            {
                for (var j = 0; j < rows[i].Length; j++)
                {
                    matrix[i, j] = rows[i][j];
                }
            }

            builder.AddSamples("features", matrix, new Dictionary<string, LabelColumn> { [school.Name] = LabelColumn.FromValues(scores) });
        }

        return builder.Build();
    }

    private static (float[][] Features, double[] Scores) Rows(MultitaskDataset data, string task)
    {
        var targets = data.GetTargets(task);
        var table = data.Inputs[targets.InputName];
        var rows = Enumerable.Range(0, targets.Count).Where(i => targets.Present[i]).ToArray();
        return (rows.Select(i => table.GetSample(i).ToArray()).ToArray(), rows.Select(i => (double)targets.Values.Span[i]).ToArray());
    }
}
