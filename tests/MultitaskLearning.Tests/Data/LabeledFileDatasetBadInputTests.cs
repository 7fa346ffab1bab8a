using System.Globalization;
using MultitaskLearning.Data;
using MultitaskLearning.Tasks;
using Xunit;

namespace MultitaskLearning.Tests.Data;

/// <summary>Whatever a decoder throws for one file makes that file bad (an <see cref="InvalidDataException"/> naming
/// the file and manifest row, or skipped and reported); never an <see cref="AggregateException"/>, never a silent
/// non-finite sample. The files are generated here: their text tells the fake decoder what to do.</summary>
public sealed class LabeledFileDatasetBadInputTests : IDisposable
{
    private static readonly TaskDefinition Kind = TaskDefinition.Multiclass("kind", "x", "y");
    private readonly string folder = Directory.CreateTempSubdirectory("mtl-filedata-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void SkipBadFiles_ReportsEveryBadFileWithRowAndReason_AndKeepsTheGoodValues()
    {
        var files = Manifest(("good1", "1.5", "x"), ("nan", "nan", "x"), ("bare", "exception", "y"), ("good2", "-2", "y"), ("oom", "oom", "x"),
            ("argument", "argument", "x"), ("invalid", "invalid", "y"), ("infinity", "inf", "y"), ("short", "short", "x"));
        var data = Build(files, new LabeledFileDatasetOptions { SkipBadFiles = true, MaxDegreeOfParallelism = 3 });

        Assert.Equal((9, 2), (data.Report.Files, data.Report.Loaded));
        Assert.Equal([1.5f, 3f, -2f, -0.5f], data.Dataset.Inputs["input"].Values.ToArray());
        Assert.Equal([0f, 1f], data.Dataset.GetTargets("kind").Values.ToArray());
        Assert.Equal(["good1", "good2"], data.Files.Select(f => Path.GetFileName(f.Path)));
        var skipped = data.Report.Skipped;
        Assert.Equal([2, 3, 5, 6, 7, 8, 9], skipped.Select(s => s.Row!.Value));
        Assert.Equal(["nan", "bare", "oom", "argument", "invalid", "infinity", "short"], skipped.Select(s => Path.GetFileName(s.Path)));
        Assert.Equal("it decoded to a non-finite value (NaN) at index 0 of 2", skipped[0].Reason);
        Assert.Equal("it could not be decoded (Exception: Unable to allocate pixels for the bitmap)", skipped[1].Reason);
        Assert.Equal("there was not enough memory to decode it (Array dimensions exceeded supported range)", skipped[2].Reason);
        Assert.Equal("it could not be decoded (ArgumentOutOfRangeException: Non-negative number required. (Parameter 'capacity'))", skipped[3].Reason);
        Assert.Equal($"File '{Path.Combine(folder, "invalid")}' is bad", skipped[4].Reason);
        Assert.Equal("it decoded to a non-finite value (Infinity) at index 1 of 2", skipped[5].Reason);
        Assert.Equal("it decoded to 1 values instead of 2", skipped[6].Reason);
    }

    [Theory]
    [InlineData("exception", typeof(Exception), "it could not be decoded (Exception: Unable to allocate pixels for the bitmap).")]
    [InlineData("oom", typeof(OutOfMemoryException), "there was not enough memory to decode it (Array dimensions exceeded supported range).")]
    [InlineData("argument", typeof(ArgumentOutOfRangeException), "it could not be decoded (ArgumentOutOfRangeException: Non-negative number required. (Parameter 'capacity')).")]
    [InlineData("nan", null, "it decoded to a non-finite value (NaN) at index 0 of 2.")]
    public void WithoutSkipping_TheFirstBadFileThrowsUnwrapped_NamingRowAndFile(string behaviour, Type? inner, string reason)
    {
        // Two bad files decoded in parallel: the first one in file order is the one reported, never an AggregateException.
        var files = Manifest(("good", "1", "x"), ("first", behaviour, "x"), ("second", "exception", "y"));
        var error = Assert.Throws<InvalidDataException>(() => Build(files, new LabeledFileDatasetOptions { MaxDegreeOfParallelism = 3 }));
        Assert.Equal($"Test manifest row 2, file '{Path.Combine(folder, "first")}': {reason}", error.Message);
        Assert.Equal(inner, error.InnerException?.GetType());
    }

    [Fact]
    public void MachineIoFailure_IsNotABadFile_AndIsRethrownUnwrapped()
    {
        var files = Manifest(("good", "1", "x"), ("disk", "io", "x"));
        var error = Assert.Throws<IOException>(() => Build(files, new LabeledFileDatasetOptions { SkipBadFiles = true, MaxDegreeOfParallelism = 2 }));
        Assert.Equal("The device is not ready.", error.Message);
    }

    [Fact]
    public void AugmentationFailure_IsUnwrappedAndNamesTheFile()
    {
        var files = Manifest(("good", "1", "x"), ("other", "2", "y"));
        var error = Assert.Throws<InvalidDataException>(() => LabeledFileDataset.Build(
            files, [Kind], new LabeledFileDatasetOptions { MaxDegreeOfParallelism = 2 }, [2], "test", Decode, null, "Test",
            augment: (path, _) => Path.GetFileName(path) == "other" ? throw new InvalidOperationException("Collection was modified") : Decode(path),
            copies: 2));
        Assert.Equal($"Test manifest row 2, file '{Path.Combine(folder, "other")}': its augmented copy failed: it could not be decoded (InvalidOperationException: Collection was modified).", error.Message);
    }

    private static LabeledFileData Build(IReadOnlyList<LabeledFile> files, LabeledFileDatasetOptions options) =>
        LabeledFileDataset.Build(files, [Kind], options, [2], "test", Decode, null, "Test");

    /// <summary>A fake decoder: a number n gives [n, n + 1.5]; other contents throw or return what their name says.</summary>
    private static float[] Decode(string path) => File.ReadAllText(path) switch
    {
        "nan" => [float.NaN, 0],
        "inf" => [0, float.PositiveInfinity],
        "short" => [1],
        "exception" => throw new Exception("Unable to allocate pixels for the bitmap."),
        "oom" => throw new OutOfMemoryException("Array dimensions exceeded supported range."),
        "argument" => throw new ArgumentOutOfRangeException("capacity", "Non-negative number required."),
        "invalid" => throw new InvalidDataException($"File '{path}' is bad."),
        "io" => throw new IOException("The device is not ready."),
        var number => [float.Parse(number, CultureInfo.InvariantCulture), float.Parse(number, CultureInfo.InvariantCulture) + 1.5f],
    };

    private IReadOnlyList<LabeledFile> Manifest(params (string File, string Content, string Kind)[] rows)
    {
        foreach (var (file, content, _) in rows)
        {
            File.WriteAllText(Path.Combine(folder, file), content);
        }

        var manifest = Path.Combine(folder, $"manifest-{Guid.NewGuid():N}.csv");
        File.WriteAllLines(manifest, new[] { "path,kind" }.Concat(rows.Select(r => $"{r.File},{r.Kind}")));
        return LabeledFileSources.FromManifest(manifest);
    }
}
