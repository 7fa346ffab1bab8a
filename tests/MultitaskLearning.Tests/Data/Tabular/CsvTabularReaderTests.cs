using MultitaskLearning.Data;
using MultitaskLearning.Data.Tabular;
using MultitaskLearning.Tasks;
using Xunit;

namespace MultitaskLearning.Tests.Data.Tabular;

public sealed class CsvTabularReaderTests
{
    private static readonly TaskDefinition[] Tasks = [TaskDefinition.Regression("score"), TaskDefinition.Multiclass("grade", "a", "b", "c")];

    private static readonly CsvTabularOptions Wide = new()
    {
        LabelColumns = new Dictionary<string, string> { ["score"] = "y", ["grade"] = "g" },
    };

    private static TabularData Read(string csv, CsvTabularOptions options, IReadOnlyList<TaskDefinition>? tasks = null) =>
        CsvTabularReader.Read(new StringReader(csv), "test.csv", tasks ?? Tasks, options);

    [Fact]
    public void Read_WideLayout_MapsFeaturesAndLabels()
    {
        var data = Read("x1,x2,y,g\n1,2,3.5,b\n4,\"5\",,c\n", Wide);
        Assert.Equal(["x1", "x2"], data.FeatureNames);
        Assert.Equal([1f, 2f, 4f, 5f], data.Dataset.Inputs["features"].Values.ToArray());
        Assert.Equal([true, false], data.Dataset.GetTargets("score").Present);
        Assert.Equal([1f, 2f], data.Dataset.GetTargets("grade").Values.ToArray());
        Assert.Equal(1, data.Report.MissingLabelCells["score"]);
    }

    [Theory]
    [InlineData("1,,3.5,b", "is empty")]
    [InlineData("1,abc,3.5,b", "'abc' is not a finite number")]
    public void Read_BadFeatureCell_NamesFileLineAndColumn(string row, string what)
    {
        var error = Assert.Throws<InvalidDataException>(() => Read($"x1,x2,y,g\n1,2,3,a\n{row}\n", Wide));
        Assert.StartsWith($"CSV file 'test.csv', line 3, column 'x2': the value {what}.", error.Message);
    }

    [Fact]
    public void Read_MissingFeaturesWithImputation_KeepsNaNAndCounts()
    {
        var options = new CsvTabularOptions { LabelColumns = Wide.LabelColumns, MissingFeatures = MissingValuePolicy.Median };
        var data = Read("x1,x2,y,g\n1,,3,a\n2,n/a,4,b\n", options);
        Assert.True(float.IsNaN(data.Dataset.Inputs["features"].Values.Span[1]));
        Assert.Equal(2, data.Report.MissingFeatureCells["x2"]);
    }

    [Fact]
    public void Read_UnknownLabel_NamesLineColumnAndVocabulary()
    {
        var error = Assert.Throws<InvalidDataException>(() => Read("x1,y,g\n1,2,a\n1,2,z\n", Wide));
        Assert.Equal("CSV file 'test.csv', line 3, column 'g': label 'z' is not in task 'grade''s vocabulary ['a', 'b', 'c'].", error.Message);
    }

    [Fact]
    public void Read_DuplicateRows_AreReportedAndKept()
    {
        var data = Read("x1,y,g\n1,2,a\n3,4,b\n1,2,a\n1,2,a\n", Wide);
        Assert.Equal([(4, 2), (5, 2)], data.Report.DuplicateLines);
        Assert.Equal(4, data.Dataset.Inputs["features"].Count);
    }

    [Fact]
    public void Read_LongLayout_OneTaskPerRowGroup()
    {
        TaskDefinition[] schools = [TaskDefinition.Regression("school-0"), TaskDefinition.Regression("school-1")];
        var options = new CsvTabularOptions { TaskColumn = "task", TargetColumn = "y", TaskNamePrefix = "school-", IgnoredColumns = ["bias"] };
        var data = Read("task,y,x1,bias\n0,10,1,1\n1,20,2,1\n0,30,3,1\n", options, schools);
        Assert.Equal(["x1"], data.FeatureNames);
        Assert.Equal([true, false, true], data.Dataset.GetTargets("school-0").Present);
        Assert.Equal([false, true, false], data.Dataset.GetTargets("school-1").Present);
    }

    [Fact]
    public void Read_RaggedRowAndUnclosedQuote_AreErrors()
    {
        Assert.Contains("line 2: 2 fields; the header has 3", Assert.Throws<InvalidDataException>(() => Read("x1,y,g\n1,2\n", Wide)).Message);
        Assert.Contains("quoted field is not closed", Assert.Throws<InvalidDataException>(() => Read("x1,y,g\n\"1,2,a\n", Wide)).Message);
    }

    [Fact]
    public void Read_MissingColumnOrFile_SaysWhich()
    {
        var error = Assert.Throws<InvalidDataException>(() => Read("x1,y\n1,2\n", Wide));
        Assert.Equal("CSV file 'test.csv' has no label column 'g'. Columns: x1, y.", error.Message);
        Assert.Throws<FileNotFoundException>(() => CsvTabularReader.Read("/nonexistent/file.csv", Tasks, Wide));
        Assert.Contains("is empty", Assert.Throws<InvalidDataException>(() => Read(string.Empty, Wide)).Message);
    }
}
