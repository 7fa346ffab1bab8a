using System.Text;
using MultitaskLearning.Data.Tabular;
using MultitaskLearning.Tasks;
using MultitaskLearning.Testing;
using Xunit;

namespace MultitaskLearning.Tests.Data.Tabular;

/// <summary>CSV from streams: the same data as from the file (the vendored School data), synchronously and
/// asynchronously, from non-seekable streams, with errors that name the source and the caller's stream left open.</summary>
public sealed class CsvStreamTests
{
    private static readonly string School = Path.Combine(AppContext.BaseDirectory, "data", "school", "school.csv");

    private static readonly CsvTabularOptions SchoolOptions = new()
    {
        TaskColumn = "task",
        TargetColumn = "y",
        TaskNamePrefix = "school-",
        IgnoredColumns = ["x28"],
    };

    private static readonly TaskDefinition[] Wide = [TaskDefinition.Regression("y")];

    private static readonly CsvTabularOptions WideOptions = new() { LabelColumns = new Dictionary<string, string> { ["y"] = "y" } };

    [Fact]
    public void School_FromStream_EqualsFromFile()
    {
        var tasks = SchoolTasks();
        var fromFile = CsvTabularReader.Read(School, tasks, SchoolOptions);
        using var file = File.OpenRead(School);
        AssertSame(fromFile, CsvTabularReader.Read(file, "blob schools/school.csv", tasks, SchoolOptions));
        using var forwardOnly = new ForwardOnlyStream(File.ReadAllBytes(School));
        AssertSame(fromFile, CsvTabularReader.Read(forwardOnly, "upload school.csv", tasks, SchoolOptions));
        Assert.False(forwardOnly.IsDisposed);
        Assert.True(file.CanRead); // left open
    }

    [Fact]
    public async Task School_ReadAsync_EqualsRead()
    {
        var tasks = SchoolTasks();
        var fromFile = CsvTabularReader.Read(School, tasks, SchoolOptions);
        using var forwardOnly = new ForwardOnlyStream(File.ReadAllBytes(School));
        AssertSame(fromFile, await CsvTabularReader.ReadAsync(forwardOnly, "response", tasks, SchoolOptions));
        Assert.False(forwardOnly.IsDisposed);
    }

    [Fact]
    public void Stream_IsReadFromItsPosition_WithOrWithoutByteOrderMark()
    {
        var csv = "x1,y\n1,2\n3,4\n";
        var expected = CsvTabularReader.Read(new StringReader(csv), "text", Wide, WideOptions);
        var withMark = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv)).ToArray();
        AssertSame(expected, CsvTabularReader.Read(new ForwardOnlyStream(withMark), "with BOM", Wide, WideOptions));
        using var positioned = new MemoryStream("skipped"u8.ToArray().Concat(Encoding.UTF8.GetBytes(csv)).ToArray());
        positioned.Position = "skipped".Length;
        AssertSame(expected, CsvTabularReader.Read(positioned, "positioned", Wide, WideOptions));
    }

    [Fact]
    public async Task BadData_ThroughAStream_NamesTheSource()
    {
        var bytes = Encoding.UTF8.GetBytes("x1,y\n1,2\n1,abc\n");
        var error = Assert.Throws<InvalidDataException>(() => CsvTabularReader.Read(new ForwardOnlyStream(bytes), "blob uploads/bad.csv", Wide, WideOptions));
        Assert.Equal("CSV file 'blob uploads/bad.csv', line 3, column 'y': target 'abc' of task 'y' is not a finite number.", error.Message);
        var asyncError = await Assert.ThrowsAsync<InvalidDataException>(() => CsvTabularReader.ReadAsync(new ForwardOnlyStream(bytes), "blob uploads/bad.csv", Wide, WideOptions));
        Assert.Equal(error.Message, asyncError.Message);
    }

    [Fact]
    public void BadData_ThroughAStream_SameMessageAsTheFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mtl-csv-{Guid.NewGuid():N}.csv");
        try
        {
            File.WriteAllText(path, "x1,y\n1,2\n\"3,4\n");
            var fromFile = Assert.Throws<InvalidDataException>(() => CsvTabularReader.Read(path, Wide, WideOptions));
            using var stream = File.OpenRead(path);
            var fromStream = Assert.Throws<InvalidDataException>(() => CsvTabularReader.Read(stream, "the upload", Wide, WideOptions));
            Assert.Equal(fromFile.Message.Replace(path, "the upload", StringComparison.Ordinal), fromStream.Message);
            Assert.StartsWith($"CSV file '{path}', line 3: a quoted field is not closed", fromFile.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void EmptySourceName_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => CsvTabularReader.Read(new MemoryStream(), " ", Wide, WideOptions));
    }

    private static TaskDefinition[] SchoolTasks() => File.ReadLines(School).Skip(1)
        .Select(l => l[..l.IndexOf(',', StringComparison.Ordinal)])
        .Distinct()
        .Select(s => TaskDefinition.Regression($"school-{s}"))
        .ToArray();

    private static void AssertSame(TabularData expected, TabularData actual)
    {
        Assert.Equal(expected.FeatureNames, actual.FeatureNames);
        Assert.Equal(expected.Report.Rows, actual.Report.Rows);
        Assert.Equal(expected.Report.DuplicateLines, actual.Report.DuplicateLines);
        Assert.Equal(expected.Report.MissingFeatureCells, actual.Report.MissingFeatureCells);
        Assert.Equal(expected.Report.MissingLabelCells, actual.Report.MissingLabelCells);
        Assert.Equal(expected.Dataset.Inputs.Keys, actual.Dataset.Inputs.Keys);
        foreach (var (name, input) in expected.Dataset.Inputs)
        {
            Assert.Equal(input.SampleShape, actual.Dataset.Inputs[name].SampleShape);
            Assert.Equal(input.Values.ToArray(), actual.Dataset.Inputs[name].Values.ToArray());
        }

        Assert.Equal(expected.Dataset.Targets.Keys, actual.Dataset.Targets.Keys);
        foreach (var (name, targets) in expected.Dataset.Targets)
        {
            Assert.Equal(targets.Values.ToArray(), actual.Dataset.Targets[name].Values.ToArray());
            Assert.Equal(targets.Present, actual.Dataset.Targets[name].Present);
        }
    }
}
