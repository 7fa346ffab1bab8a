using MultitaskLearning.Data;
using MultitaskLearning.Tasks;
using NAudio.Wave;
using Xunit;

namespace MultitaskLearning.Audio.Tests;

public sealed class SpeechDatasetReaderTests : IDisposable
{
    private static readonly AudioFeatureOptions Features = new() { SampleRate = 8000, DurationSeconds = 0.25, FftSize = 256, HopLength = 128, MelBands = 16 };
    private static readonly TaskDefinition Word = TaskDefinition.Multiclass("word", "hello", "thank you");
    private readonly WaveFixtures fixtures = new();

    public void Dispose() => fixtures.Dispose();

    [Fact]
    public void FileNamePattern_YieldsFields()
    {
        fixtures.Write("3_george_12.wav", new WaveFormat(8000, 16, 1), WaveFixtures.Sine(300, 8000, 0.1));
        fixtures.Write("notes.txt.wav.bak", new WaveFormat(8000, 16, 1), WaveFixtures.Sine(300, 8000, 0.1));
        var items = LabeledFileSources.FromFileNamePattern(fixtures.Folder, "{digit}_{speaker}_{index}.wav");
        var item = Assert.Single(items);
        Assert.Equal("3", item.Fields["digit"]);
        Assert.Equal("george", item.Fields["speaker"]);
        Assert.Equal("12", item.Fields["index"]);
    }

    [Fact]
    public void Manifest_NormalisesTranscriptsIntoTheVocabulary()
    {
        var manifest = WriteManifest(("a.wav", "  Hello! "), ("b.wav", "Thank   you."));
        var data = SpeechDatasetReader.Read(LabeledFileSources.FromManifest(manifest), [Word], Features, new LabeledFileDatasetOptions { InputName = "audio", TaskFields = new Dictionary<string, string> { ["word"] = "text" } });
        Assert.Equal([0f, 1f], data.Dataset.GetTargets("word").Values.ToArray());
        Assert.Equal(Features.FeatureShape, data.Dataset.Inputs["audio"].SampleShape);
    }

    [Fact]
    public void Manifest_UnknownLabelOrMissingFile_NamesRowAndFile()
    {
        var options = new LabeledFileDatasetOptions { TaskFields = new Dictionary<string, string> { ["word"] = "text" } };
        var unknown = WriteManifest(("a.wav", "hello"), ("b.wav", "goodbye"));
        var error = Assert.Throws<InvalidDataException>(() => SpeechDatasetReader.Read(LabeledFileSources.FromManifest(unknown), [Word], Features, options));
        Assert.Contains("Audio manifest row 2, file '", error.Message);
        Assert.Contains("label 'goodbye' of task 'word' is not in its vocabulary ['hello', 'thank you']", error.Message);

        var missing = WriteManifest(("a.wav", "hello"), ("nowhere.wav", "hello"));
        var missingError = Assert.Throws<InvalidDataException>(() => SpeechDatasetReader.Read(LabeledFileSources.FromManifest(missing), [Word], Features, options));
        Assert.Contains("nowhere.wav': the file does not exist", missingError.Message);
    }

    [Fact]
    public void SkipBadFiles_ReportsEveryBadFileAndKeepsTheRest()
    {
        var manifest = WriteManifest(("a.wav", "hello"), ("b.wav", "goodbye"), ("c.wav", "thank you"), ("corrupt.wav", "hello"));
        File.WriteAllText(Path.Combine(fixtures.Folder, "corrupt.wav"), "RIFF but not really");
        var options = new LabeledFileDatasetOptions { SkipBadFiles = true, TaskFields = new Dictionary<string, string> { ["word"] = "text" } };
        var data = SpeechDatasetReader.Read(LabeledFileSources.FromManifest(manifest), [Word], Features, options);
        Assert.Equal(2, data.Report.Loaded);
        Assert.Equal([2, 4], data.Report.Skipped.Select(s => s.Row!.Value));
        Assert.Contains("not a readable WAV file", data.Report.Skipped[1].Reason);
        Assert.Equal(["a.wav", "c.wav"], data.Files.Select(f => Path.GetFileName(f.Path)));
    }

    [Fact]
    public void Cache_SecondReadDecodesNothing_ChangedFileOrSettingsDecodeAgain()
    {
        var manifest = WriteManifest(("a.wav", "hello"), ("b.wav", "thank you"));
        var files = LabeledFileSources.FromManifest(manifest);
        var options = new LabeledFileDatasetOptions { TaskFields = new Dictionary<string, string> { ["word"] = "text" } };
        var cacheFolder = Path.Combine(fixtures.Folder, "cache");
        var cache = new FeatureCache(cacheFolder);

        var first = SpeechDatasetReader.Read(files, [Word], Features, options, cache);
        var second = SpeechDatasetReader.Read(files, [Word], Features, options, cache);
        Assert.Equal((2, 0), (first.Report.Decoded, first.Report.CacheHits));
        Assert.Equal((0, 2), (second.Report.Decoded, second.Report.CacheHits));
        Assert.Equal(first.Dataset.Inputs["input"].Values.ToArray(), second.Dataset.Inputs["input"].Values.ToArray());

        // A new process (a new cache object on the same folder) reads from disk.
        var fromDisk = SpeechDatasetReader.Read(files, [Word], Features, options, new FeatureCache(cacheFolder));
        Assert.Equal(0, fromDisk.Report.Decoded);

        // Changing a file's content or the settings invalidates its entry.
        fixtures.Write("a.wav", new WaveFormat(8000, 16, 1), WaveFixtures.Sine(900, 8000, 0.3));
        Assert.Equal(1, SpeechDatasetReader.Read(files, [Word], Features, options, cache).Report.Decoded);
        var otherSettings = new AudioFeatureOptions { SampleRate = 8000, DurationSeconds = 0.25, FftSize = 256, HopLength = 64, MelBands = 16 };
        Assert.Equal(2, SpeechDatasetReader.Read(files, [Word], otherSettings, options, cache).Report.Decoded);
    }

    [Fact]
    public void Augmentation_AddsSeededCopiesWithTheSameLabels()
    {
        var manifest = WriteManifest(("a.wav", "hello"), ("b.wav", "thank you"));
        var files = LabeledFileSources.FromManifest(manifest);
        var options = new LabeledFileDatasetOptions { TaskFields = new Dictionary<string, string> { ["word"] = "text" } };
        var augmentation = new AudioAugmentation { Copies = 2, Seed = 5 };
        var first = SpeechDatasetReader.Read(files, [Word], Features, options, augmentation: augmentation);
        var second = SpeechDatasetReader.Read(files, [Word], Features, options, augmentation: augmentation);
        Assert.Equal(6, first.Dataset.Inputs["input"].Count);
        Assert.Equal([0f, 1f, 0f, 1f, 0f, 1f], first.Dataset.GetTargets("word").Values.ToArray());
        Assert.Equal(first.Dataset.Inputs["input"].Values.ToArray(), second.Dataset.Inputs["input"].Values.ToArray());
        var table = first.Dataset.Inputs["input"];
        Assert.NotEqual(table.GetSample(0).ToArray(), table.GetSample(2).ToArray());
        Assert.NotEqual(table.GetSample(2).ToArray(), table.GetSample(4).ToArray());
    }

    /// <summary>Real recordings written to a shard store three files at a time come back as the in-memory reader
    /// makes them: the same features, labels and report.</summary>
    [Fact]
    public void WriteShards_BlockByBlock_StoresWhatReadReturns()
    {
        var recordings = Path.Combine(AppContext.BaseDirectory, "data", "fsdd", "recordings");
        var files = LabeledFileSources.FromFileNamePattern(recordings, "{digit}_{speaker}_{index}.wav").OrderBy(f => f.Path, StringComparer.Ordinal).ToArray();
        var digit = TaskDefinition.Multiclass("digit", Enumerable.Range(0, 10).Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        var features = new AudioFeatureOptions { SampleRate = 8000, DurationSeconds = 0.5, FftSize = 256, HopLength = 160, MelBands = 16 };
        var expected = SpeechDatasetReader.Read(files, [digit], features).Dataset;

        var folder = Path.Combine(fixtures.Folder, "shards");
        using var writer = new Data.Shards.ShardedDatasetWriter(folder, "audio", features.FeatureShape, [digit], rowsPerShard: 4);
        var report = SpeechDatasetReader.WriteShards(files, [digit], features, writer, filesPerBlock: 3);
        var store = writer.Complete();

        Assert.Equal(10, files.Length);
        Assert.Equal((10, 10), (report.Files, report.Loaded));
        Assert.Equal(3, store.ShardCount);
        var back = store.ReadRows(0, 10);
        Assert.Equal(expected.Inputs["audio"].Values.ToArray(), back.Inputs["audio"].Values.ToArray());
        Assert.Equal(expected.Targets["digit"].Values.ToArray(), back.Targets["digit"].Values.ToArray());
    }

    private string WriteManifest(params (string File, string Text)[] rows)
    {
        foreach (var (file, _) in rows.Where(r => r.File is "a.wav" or "b.wav" or "c.wav"))
        {
            if (!File.Exists(Path.Combine(fixtures.Folder, file)))
            {
                fixtures.Write(file, new WaveFormat(8000, 16, 1), WaveFixtures.Sine(file[0] * 3.0, 8000, 0.3));
            }
        }

        var path = Path.Combine(fixtures.Folder, $"manifest-{Guid.NewGuid():N}.csv");
        File.WriteAllLines(path, new[] { "path,text" }.Concat(rows.Select(r => $"{r.File},\"{r.Text}\"")));
        return path;
    }
}
