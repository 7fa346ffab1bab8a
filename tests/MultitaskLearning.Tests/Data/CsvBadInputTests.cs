using System.Text;
using MultitaskLearning.Data;
using MultitaskLearning.Data.Tabular;
using MultitaskLearning.Tasks;
using Xunit;

namespace MultitaskLearning.Tests.Data;

/// <summary>Bad CSV input is either read with the values the file says or rejected with an error naming the file,
/// line and column.</summary>
public sealed class CsvBadInputTests
{
    private static readonly TaskDefinition[] Tasks = [TaskDefinition.Regression("score"), TaskDefinition.Multiclass("grade", "a", "b", "c")];

    private static readonly CsvTabularOptions Wide = new()
    {
        LabelColumns = new Dictionary<string, string> { ["score"] = "y", ["grade"] = "g" },
    };

    [Theory]
    [InlineData("x1,y,g\n")]
    [InlineData("x1,y,g")]
    [InlineData("x1,y,g\n\n\r\n\n")]
    public void Read_HeaderWithoutRows_Throws(string csv)
    {
        var error = Assert.Throws<InvalidDataException>(() => Read(csv, Wide));
        Assert.Equal("CSV file 'test.csv' has a header but no data rows.", error.Message);
    }

    [Theory]
    [InlineData("1e300")]
    [InlineData("-1e300")]
    [InlineData("3.5e38")]
    public void Read_TargetOutsideFloat32_NamesFileLineAndColumn(string target)
    {
        var error = Assert.Throws<InvalidDataException>(() => Read($"x1,y,g\n1,2,a\n1,{target},b\n", Wide));
        Assert.StartsWith($"CSV file 'test.csv', line 3, column 'y': target '{target}' of task 'score' is outside the float32 range", error.Message);
    }

    [Theory]
    [InlineData(MissingValuePolicy.Error)]
    [InlineData(MissingValuePolicy.Median)]
    public void Read_FeatureOutsideFloat32_NamesFileLineAndColumn(MissingValuePolicy policy)
    {
        var options = new CsvTabularOptions { LabelColumns = Wide.LabelColumns, MissingFeatures = policy };
        var error = Assert.Throws<InvalidDataException>(() => Read("x1,x2,y,g\n1,2,3,a\n4,1e300,5,b\n", options));
        Assert.StartsWith("CSV file 'test.csv', line 3, column 'x2': the value '1e300' is outside the float32 range", error.Message);
    }

    [Fact]
    public void Read_LargeValuesInsideFloat32_AreKept()
    {
        var data = Read("x1,y,g\n3e38,-3e38,a\n", Wide);
        Assert.Equal(3e38f, data.Dataset.Inputs["features"].Values.Span[0]);
        Assert.Equal(-3e38f, data.Dataset.GetTargets("score").Values.Span[0]);
    }

    [Fact]
    public void Read_TextReaderWithByteOrderMark_IgnoresIt()
    {
        TaskDefinition[] schools = [TaskDefinition.Regression("school-0"), TaskDefinition.Regression("school-1")];
        var options = new CsvTabularOptions { TaskColumn = "task", TargetColumn = "y", TaskNamePrefix = "school-" };
        var data = Read("\uFEFFtask,y,x1\n0,10,1\n1,20,2\n", options, schools);
        Assert.Equal(["x1"], data.FeatureNames);
        Assert.Equal([true, false], data.Dataset.GetTargets("school-0").Present);

        var wide = Read("\uFEFFx1,y,g\n7,2,a\n", Wide);
        Assert.Equal(["x1"], wide.FeatureNames);
        Assert.Equal(7f, wide.Dataset.Inputs["features"].Values.Span[0]);
    }

    [Fact]
    public void Read_FileWithByteOrderMark_IgnoresIt()
    {
        var path = Path.Combine(Path.GetTempPath(), $"csv-bom-{Guid.NewGuid():N}.csv");
        try
        {
            File.WriteAllText(path, "x1,y,g\n7,2,a\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
            var data = CsvTabularReader.Read(path, Tasks, Wide);
            Assert.Equal(["x1"], data.FeatureNames);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Read_Folder_SaysItIsAFolder()
    {
        var folder = Directory.CreateTempSubdirectory("csv-folder-");
        try
        {
            var error = Assert.Throws<FileNotFoundException>(() => CsvTabularReader.Read(folder.FullName, Tasks, Wide));
            Assert.Equal($"CSV path '{folder.FullName}' is a folder, not a file.", error.Message);
        }
        finally
        {
            folder.Delete();
        }
    }

    [Fact]
    public void Read_MissingFile_SaysItDoesNotExist()
    {
        var path = Path.Combine(Path.GetTempPath(), $"csv-missing-{Guid.NewGuid():N}.csv");
        var error = Assert.Throws<FileNotFoundException>(() => CsvTabularReader.Read(path, Tasks, Wide));
        Assert.Equal($"CSV file '{path}' does not exist.", error.Message);
    }

    [Fact]
    public void Read_MoreColumnsThanTheLimit_NamesLineAndLimit()
    {
        var options = new CsvTabularOptions { LabelColumns = Wide.LabelColumns, MaxColumns = 3 };
        Assert.Equal(1, Read("x1,y,g\n1,2,a\n", options).Dataset.Count);
        var error = Assert.Throws<InvalidDataException>(() => Read("x1,x2,y,g\n1,2,3,a\n", options));
        Assert.StartsWith("CSV file 'test.csv', line 1: more than 3 columns (CsvTabularOptions.MaxColumns).", error.Message);
    }

    [Fact]
    public void Read_HugeRow_IsRejectedByTheDefaultLimit()
    {
        Assert.Equal(100_000, new CsvTabularOptions().MaxColumns);
        var csv = "x1,y,g\n1,2,a\n" + new string(',', 150_000) + "\n";
        var error = Assert.Throws<InvalidDataException>(() => Read(csv, Wide));
        Assert.StartsWith("CSV file 'test.csv', line 3: more than 100000 columns", error.Message);
    }

    [Fact]
    public void Read_OneTaskWithoutLabels_IsAccepted_AndTheTrainerRefusesToTrainIt()
    {
        var data = Read("x1,y,g\n1,2,\n3,4,\n", Wide);
        Assert.Equal(0, data.Dataset.Targets["grade"].LabelledCount);
        Assert.Equal(2, data.Dataset.Targets["score"].LabelledCount);
    }

    [Fact]
    public void Read_LongTaskWithoutRows_NamesFileTaskAndColumn()
    {
        TaskDefinition[] schools = [TaskDefinition.Regression("school-0"), TaskDefinition.Regression("school-1")];
        var options = new CsvTabularOptions { TaskColumn = "task", TargetColumn = "y", TaskNamePrefix = "school-" };
        Assert.Equal(0, Read("task,y,x1\n0,10,1\n0,20,2\n", options, schools).Dataset.Targets["school-1"].LabelledCount);
        var error = Assert.Throws<InvalidDataException>(() => Read("task,y,x1\n0,,1\n1,,2\n", options, schools));
        Assert.Equal("CSV file 'test.csv': no task has a labelled row: 'school-0' (every row of the task has an empty 'y' cell); 'school-1' (every row of the task has an empty 'y' cell).", error.Message);
    }

    [Fact]
    public void MaxColumns_BelowOne_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new CsvTabularOptions { MaxColumns = 0 });

    private static TabularData Read(string csv, CsvTabularOptions options, IReadOnlyList<TaskDefinition>? tasks = null) =>
        CsvTabularReader.Read(new StringReader(csv), "test.csv", tasks ?? Tasks, options);
}
