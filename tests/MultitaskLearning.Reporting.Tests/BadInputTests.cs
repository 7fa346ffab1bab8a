using MultitaskLearning.Training;
using Xunit;

namespace MultitaskLearning.Reporting.Tests;

public sealed class BadInputTests
{
    [Fact]
    public void AddRun_EmptyHistory_NamesTheHistory()
    {
        var error = Assert.Throws<ArgumentException>(() => new TrainingReport("r").AddRun("run", new TrainingHistory([], 0, false)));

        Assert.Equal("history", error.ParamName);
        Assert.Contains("'run'", error.Message, StringComparison.Ordinal);
        Assert.Contains("no epochs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddRun_RepeatedName_NamesTheName()
    {
        var report = new TrainingReport("r").AddRun("run", Histories.Make(["a"]));

        Assert.Equal("name", Assert.Throws<ArgumentException>(() => report.AddRun("run", Histories.Make(["a"]))).ParamName);
        Assert.Equal("name", Assert.Throws<ArgumentException>(() => report.AddRun(" ", Histories.Make(["a"]))).ParamName);
    }

    [Fact]
    public void AddConfusionMatrix_ClassNamesNotMatchingTheCounts_NamesTheCounts()
    {
        var error = Assert.Throws<ArgumentException>(() => new TrainingReport("r").AddConfusionMatrix("task", ["a", "b", "c", "d"], new int[3, 3]));

        Assert.Equal("counts", error.ParamName);
        Assert.Contains("3×3", error.Message, StringComparison.Ordinal);
        Assert.Contains("4 class names", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteTo_PathOfAFile_NamesTheDirectory()
    {
        var file = Path.Combine(Path.GetTempPath(), $"mtl-report-file-{Guid.NewGuid():N}");
        File.WriteAllText(file, "not a folder");
        try
        {
            var error = Assert.Throws<ArgumentException>(() => new TrainingReport("r").AddRun("run", Histories.Make(["a"])).WriteTo(file));

            Assert.Equal("directory", error.ParamName);
            Assert.Contains("is an existing file", error.Message, StringComparison.Ordinal);
            Assert.Equal("not a folder", File.ReadAllText(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void WriteTo_EmptyReport_Throws()
    {
        using var folder = new TemporaryFolder();

        Assert.Throws<InvalidOperationException>(() => new TrainingReport("r").WriteTo(folder.Path));
        Assert.False(Directory.Exists(folder.Path));
    }

    [Fact]
    public void AddComparison_BadEntries_NameTheField()
    {
        var report = new TrainingReport("r");

        Assert.Equal("entries", Assert.Throws<ArgumentException>(() => report.AddComparison("m", [])).ParamName);
        Assert.Equal("entries", Assert.Throws<ArgumentException>(() => report.AddComparison("m", [new("a", "t", double.NaN)])).ParamName);
        Assert.Equal("entries", Assert.Throws<ArgumentException>(() => report.AddComparison("m", [new("a", "t", 1, Error: -1)])).ParamName);
        Assert.Equal("entries", Assert.Throws<ArgumentException>(() => report.AddComparison("m", [new("a", "t", 1), new("a", "t", 2)])).ParamName);
        Assert.Equal("entries", Assert.Throws<ArgumentException>(() => report.AddComparison("m", [new("", "t", 1)])).ParamName);
        Assert.Equal("baseline", Assert.Throws<ArgumentException>(() => report.AddComparison("m", [new("a", "t", 1)], baseline: "b")).ParamName);
    }

    [Fact]
    public void AddTaskRelationships_MatrixNotMatchingTheTasks_NamesTheRelationships()
    {
        var relationships = new TaskRelationships(["a", "b", "c"], new double[2, 2], new double[3, 3], new long[3, 3]);

        var error = Assert.Throws<ArgumentException>(() => new TrainingReport("r").AddTaskRelationships(relationships));

        Assert.Equal("relationships", error.ParamName);
        Assert.Contains("MeanCosine is 2×2 but there are 3 task names", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ChartSize_BelowTheMinimum_NamesTheProperty()
    {
        Assert.Equal("ChartWidth", Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingReport("r") { ChartWidth = 10 }).ParamName);
        Assert.Equal("MaxTaskCurves", Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingReport("r") { MaxTaskCurves = 0 }).ParamName);
    }
}
