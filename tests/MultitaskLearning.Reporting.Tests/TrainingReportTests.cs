using System.Globalization;
using MultitaskLearning.Tasks;
using SkiaSharp;
using Xunit;

namespace MultitaskLearning.Reporting.Tests;

public sealed class TrainingReportTests(TrainedModelFixture trained) : IClassFixture<TrainedModelFixture>
{
    [Fact]
    public void WriteTo_RealRun_WritesEveryChartAndThePage()
    {
        using var folder = new TemporaryFolder();
        var report = new TrainingReport("Synthetic run")
            .AddRun("shared-trunk", trained.Model.TrainingHistory!)
            .AddConfusionMatrices(trained.Model.Predict(trained.Test), "shared-trunk")
            .AddComparison("test accuracy", [new("shared-trunk", "pass", 0.9), new("task-specific", "pass", 0.8)], baseline: "task-specific");

        var written = report.WriteTo(folder.Path);

        string[] expected =
        [
            "comparison-01-test-accuracy.png",
            "run-01-shared-trunk-loss.png",
            "run-01-shared-trunk-scores.png",
            "run-01-shared-trunk-errors.png",
            "confusion-01-pass-shared-trunk.png",
            "relationships-01-shared-trunk-cosine.png",
        ];
        Assert.Equal(expected, written.Images.Select(Path.GetFileName));
        Assert.Equal(expected.Append("index.html").Order(StringComparer.Ordinal), Directory.GetFiles(folder.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(Path.Combine(Path.GetFullPath(folder.Path), "index.html"), written.IndexPath);
        foreach (var image in written.Images)
        {
            using var bitmap = SKBitmap.Decode(image);
            Assert.NotNull(bitmap);
            if (Path.GetFileName(image).StartsWith("run-", StringComparison.Ordinal) || Path.GetFileName(image).StartsWith("comparison-", StringComparison.Ordinal))
            {
                Assert.Equal((800, 500), (bitmap.Width, bitmap.Height));
            }
            else
            {
                Assert.Equal(500, bitmap.Height);
                Assert.True(bitmap.Width >= 500, $"{image} is {bitmap.Width} wide.");
            }
        }
    }

    [Fact]
    public void WriteTo_PageEmbedsEveryImageAsADataUriAndLoadsNothing()
    {
        using var folder = new TemporaryFolder();
        var written = new TrainingReport("Embedded")
            .AddRun("shared-trunk", trained.Model.TrainingHistory!)
            .AddConfusionMatrices(trained.Model.Predict(trained.Test))
            .WriteTo(folder.Path);

        var html = File.ReadAllText(written.IndexPath);
        foreach (var image in written.Images)
        {
            Assert.Contains($"src=\"data:image/png;base64,{Convert.ToBase64String(File.ReadAllBytes(image))}\"", html, StringComparison.Ordinal);
        }

        Assert.Equal(written.Images.Count, CountOf(html, "<img "));
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void WriteTo_EscapesEveryUserString()
    {
        const string Evil = "<b>&\"";
        using var folder = new TemporaryFolder();
        var written = new TrainingReport($"Title {Evil}") { Description = $"About {Evil}" }
            .AddRun($"run {Evil}", Histories.Make([Evil, "plain"]))
            .AddConfusionMatrix(Evil, [Evil, "'quoted'"], new[,] { { 3, 1 }, { 0, 4 } }, model: Evil)
            .AddComparison(Evil, [new(Evil, Evil, 0.5), new("other", Evil, 0.25)], baseline: Evil)
            .WriteTo(folder.Path);

        var html = File.ReadAllText(written.IndexPath);
        Assert.DoesNotContain(Evil, html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;&amp;&quot;", html, StringComparison.Ordinal);
        Assert.Contains("<title>Title &lt;b&gt;&amp;&quot;</title>", html, StringComparison.Ordinal);
        Assert.All(written.Images, image => Assert.Matches("^[a-z0-9-]+\\.png$", Path.GetFileName(image)));
    }

    [Fact]
    public void WriteTo_FormatsNumbersWithTheInvariantCulture()
    {
        var culture = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            using var folder = new TemporaryFolder();
            var written = new TrainingReport("Culture")
                .AddRun("run", Histories.Make(["a"], epochs: 2))
                .AddComparison("accuracy", [new("m", "a", 0.75, Error: 0.125)])
                .WriteTo(folder.Path);

            var html = File.ReadAllText(written.IndexPath);
            Assert.Contains("0.5000", html, StringComparison.Ordinal);      // the accuracy in the final-metrics table
            Assert.Contains("0.7500 ± 0.1250", html, StringComparison.Ordinal);
            Assert.DoesNotContain("0,5000", html, StringComparison.Ordinal);
            Assert.Equal("de-DE", CultureInfo.CurrentCulture.Name);   // restored after rendering
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    [Fact]
    public void WriteTo_ManyTasks_DrawsTheSpreadAndOneSummaryRow()
    {
        using var folder = new TemporaryFolder();
        var tasks = Enumerable.Range(0, 30).Select(i => $"school-{i}").ToArray();
        var written = new TrainingReport("Many tasks").AddRun("hybrid", Histories.Make(tasks)).WriteTo(folder.Path);

        Assert.Equal(3, written.Images.Count);
        var html = File.ReadAllText(written.IndexPath);
        Assert.DoesNotContain("school-7", html, StringComparison.Ordinal);
        Assert.Contains("all 30 tasks", html, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteTo_WithoutValidation_DrawsTheLossOnly()
    {
        using var folder = new TemporaryFolder();
        var written = new TrainingReport("No validation").AddRun("run", Histories.Make(["a", "b"], validation: false)).WriteTo(folder.Path);

        Assert.Equal(["run-01-run-loss.png"], written.Images.Select(Path.GetFileName));
        Assert.Contains("no validation data", File.ReadAllText(written.IndexPath), StringComparison.Ordinal);
    }

    [Fact]
    public void WriteTo_FailedPageWrite_LeavesNoPartialOrTemporaryFile()
    {
        using var folder = new TemporaryFolder();
        Directory.CreateDirectory(Path.Combine(folder.Path, "index.html"));   // the final move cannot replace a folder

        var report = new TrainingReport("Blocked").AddRun("run", Histories.Make(["a"]));
        Assert.ThrowsAny<IOException>(() => report.WriteTo(folder.Path));

        Assert.Empty(Directory.GetFiles(folder.Path, "*.tmp", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetFiles(Path.Combine(folder.Path, "index.html")));
    }

    [Fact]
    public void ConfusionMatrix_FromOutputs_AgreesWithTheModelsAccuracy()
    {
        var outputs = trained.Model.Predict(trained.Test);
        var matrix = ConfusionMatrix.FromOutputs(outputs["pass"]);

        Assert.Equal(["no", "yes"], matrix.ClassNames);
        Assert.Equal(outputs["pass"].Count, matrix.Total);
        Assert.Equal(trained.Model.Evaluate(trained.Test)["pass"][MetricKind.Accuracy], matrix.Accuracy, 12);
        var error = Assert.Throws<ArgumentException>(() => ConfusionMatrix.FromOutputs(outputs["score"]));
        Assert.Equal("outputs", error.ParamName);
        Assert.Contains("'score'", error.Message, StringComparison.Ordinal);
    }

    private static int CountOf(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
