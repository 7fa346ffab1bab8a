using MultitaskLearning.Samples.Serving;
using Xunit;

namespace MultitaskLearning.Serving.Tests;

/// <summary>The server refuses to start without a usable model, and says why.</summary>
public sealed class StartupTests
{
    [Fact]
    public void NoModelIsRefusedWithTheOptionToPass()
    {
        var error = Assert.Throws<ArgumentException>(() => ServingApp.Create([]));
        Assert.Contains("--model PATH", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingModelFileIsRefusedWithItsPath()
    {
        var path = Path.Combine(Path.GetTempPath(), $"no-such-model-{Guid.NewGuid():N}.mtl");
        var error = Assert.Throws<FileNotFoundException>(() => ServingApp.Create(["--model", path]));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FileThatIsNotOnnxIsRefusedWithItsName()
    {
        var path = Path.Combine(Path.GetTempPath(), $"not-a-model-{Guid.NewGuid():N}.onnx");
        File.WriteAllText(path, "this is not an ONNX model");
        try
        {
            var error = Assert.Throws<InvalidDataException>(() => ServingApp.Create(["--model", path]));
            Assert.Contains(Path.GetFileName(path), error.Message, StringComparison.Ordinal);
            Assert.Contains("ONNX Runtime cannot load the file", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void NonPositiveLimitIsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => ServingApp.Create(["--Serving:MaxSamples", "0", "--model", "unused.mtl"]));
        Assert.Contains("MaxSamples (0)", error.Message, StringComparison.Ordinal);
    }
}
