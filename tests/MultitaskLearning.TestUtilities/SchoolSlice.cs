using MultitaskLearning.Data;
using MultitaskLearning.Data.Tabular;
using MultitaskLearning.Tasks;

namespace MultitaskLearning.TestUtilities;

/// <summary>The first schools of the vendored School data (samples/data/school), as regression tasks "school-N".</summary>
public static class SchoolSlice
{
    /// <summary>Reads the first <paramref name="schools"/> schools from the copy of school.csv next to the test assembly.</summary>
    /// <param name="schools">How many schools (tasks), from school 0.</param>
    /// <returns>The dataset (features x1–x27; x28, the constant bias attribute, is dropped).</returns>
    public static MultitaskDataset Load(int schools)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "data", "school", "school.csv");
        var lines = File.ReadLines(path).Take(1).Concat(File.ReadLines(path).Skip(1)
            .Where(l => int.Parse(l.AsSpan(0, l.IndexOf(',')), System.Globalization.CultureInfo.InvariantCulture) < schools));
        var tasks = Enumerable.Range(0, schools).Select(s => TaskDefinition.Regression($"school-{s}")).ToArray();
        using var reader = new StringReader(string.Join('\n', lines));
        return CsvTabularReader.Read(reader, path, tasks, new CsvTabularOptions
        {
            TaskColumn = "task",
            TargetColumn = "y",
            TaskNamePrefix = "school-",
            IgnoredColumns = ["x28"],
        }).Dataset;
    }
}
