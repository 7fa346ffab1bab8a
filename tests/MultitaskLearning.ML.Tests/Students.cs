using System.Globalization;
using MultitaskLearning.Tasks;

namespace MultitaskLearning.ML.Tests;

/// <summary>Rows of the vendored School data (samples/data/school/school.csv) as <see cref="Student"/>s, with three
/// tasks: the exam score, the VR band and the student's gender.</summary>
public static class Students
{
    /// <summary>Features per student: x1–x5 and x11–x27.</summary>
    public const int FeatureCount = 22;

    /// <summary>The regression task.</summary>
    public static TaskDefinition Score { get; } = TaskDefinition.Regression("score");

    /// <summary>The multiclass task.</summary>
    public static TaskDefinition Band { get; } = TaskDefinition.Multiclass("band", "VR1", "VR2", "VR3");

    /// <summary>The binary task.</summary>
    public static TaskDefinition Girl { get; } = TaskDefinition.Binary("girl", "boy", "girl");

    /// <summary>The three tasks.</summary>
    public static IReadOnlyList<TaskDefinition> Tasks { get; } = [Score, Band, Girl];

    /// <summary>Reads rows of school.csv, every <paramref name="step"/>-th from the first, up to <paramref name="count"/>
    /// rows. The score is left out (NaN) on every 7th row and the gender on every 5th and the band on every 11th (and
    /// for the 15 students with no VR band in the data).</summary>
    public static Student[] Load(int count, int step = 1)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "data", "school", "school.csv");
        var rows = new List<Student>();
        foreach (var (line, index) in File.ReadLines(path).Skip(1).Select((l, i) => (l, i)))
        {
            if (index % step != 0)
            {
                continue;
            }

            var x = line.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            // Columns: task, y, x1 … x28 → x_k is x[k + 1].
            var features = Enumerable.Range(1, 5).Concat(Enumerable.Range(11, 17)).Select(k => x[k + 1]).ToArray();
            var band = x[8 + 1] == 1 ? "VR3" : x[9 + 1] == 1 ? "VR1" : x[10 + 1] == 1 ? "VR2" : "";
            var n = rows.Count;
            rows.Add(new Student
            {
                Features = features,
                Score = n % 7 == 3 ? float.NaN : x[1],
                Band = n % 11 == 4 ? "" : band,
                Girl = n % 5 == 2 ? float.NaN : x[7 + 1],
            });
            if (rows.Count == count)
            {
                break;
            }
        }

        return [.. rows];
    }
}
