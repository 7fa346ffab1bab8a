using System.Globalization;
using System.Text.Json;
using MultitaskLearning.Data;
using MultitaskLearning.Models;
using MultitaskLearning.Tasks;
using MultitaskLearning.Training;

namespace MultitaskLearning.Benchmarks;

/// <summary>
/// How training cost grows with the number of tasks: synthetic tasks on one shared input (half regression, half
/// binary, each a random linear function of the features), labelled on every row ("shared") or each row for one
/// task only, as when every task brings its own samples ("per-task"); per family, the time of an epoch after the
/// first and the peak RSS, each run in a fresh process, and the fitted exponent a of time ∝ Tᵃ.
/// </summary>
internal static class ScaleBenchmark
{
    public static int Run(TextWriter output, int[] taskCounts, int[] sampleCounts, int[] widths, string[] families, string[] labelings)
    {
        output.WriteLine("Trunk [64] (hybrid: towers [16]; task-specific: [64] per task), batch 256, SGD, 1 thread, 3 epochs; time = median of epochs 2–3; peak RSS of the whole process (VmHWM). Every run in a fresh process.");
        var fits = new List<string>();
        if (taskCounts.Length > 0)
        {
            Axis(output, fits, "tasks T", taskCounts, families, labelings, t => (t, sampleCounts[0], widths[0]), minimum: 10);
        }

        if (sampleCounts.Length > 1)
        {
            Axis(output, fits, "rows n", sampleCounts, families, ["shared"], n => (10, n, widths[0]), minimum: 0);
        }

        if (widths.Length > 1)
        {
            Axis(output, fits, "input width d", widths, families, ["shared"], d => (10, sampleCounts[0], d), minimum: 0);
        }

        output.WriteLine();
        output.WriteLine("Fitted growth (least squares on log time against the log of the varied quantity):");
        foreach (var fit in fits)
        {
            output.WriteLine("- " + fit);
        }

        return 0;
    }

    /// <summary>One table: time and peak RSS against one quantity (tasks, rows or width), the others fixed.</summary>
    private static void Axis(TextWriter output, List<string> fits, string name, int[] values, string[] families, string[] labelings, Func<int, (int Tasks, int Samples, int Width)> point, int minimum)
    {
        output.WriteLine();
        var (t0, n0, d0) = point(values[0]);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Against {name} (otherwise T = {t0:N0}, n = {n0:N0}, d = {d0}):"));
        output.WriteLine();
        output.WriteLine("| family | labels | T | n | d | engine | s/epoch | peak RSS (MB) |");
        output.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var family in families)
        {
            foreach (var labels in labelings)
            {
                var points = new List<(double X, double Seconds)>();
                foreach (var value in values)
                {
                    var (tasks, samples, width) = point(value);
                    var json = ChildProcess.RunSelf(["scale-once", "--family", family, "--labels", labels, "--tasks", tasks.ToString(CultureInfo.InvariantCulture), "--samples", samples.ToString(CultureInfo.InvariantCulture), "--width", width.ToString(CultureInfo.InvariantCulture)]);
                    var result = JsonSerializer.Deserialize<ScaleResult>(json.Trim().Split('\n')[^1])!;
                    points.Add((value, result.EpochSeconds));
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {family} | {labels} | {tasks:N0} | {samples:N0} | {width} | {result.Engine} | {result.EpochSeconds:F3} | {result.PeakRssMegabytes:F0} |"));
                    output.Flush();
                }

                var fitted = points.Where(p => p.X >= minimum).ToArray();
                if (fitted.Length >= 2)
                {
                    var exponent = Summary.Slope(fitted.Select(p => Math.Log(p.X)).ToArray(), fitted.Select(p => Math.Log(p.Seconds)).ToArray());
                    fits.Add(string.Create(CultureInfo.InvariantCulture, $"{family}, {labels} labels: time ∝ {name.Split(' ')[^1]}^{exponent:F2} ({name} = {fitted[0].X:N0} … {fitted[^1].X:N0})"));
                }
            }
        }
    }

    /// <summary>One run in this process; prints a <see cref="ScaleResult"/> as JSON.</summary>
    public static int RunOnce(string familyName, string labels, int taskCount, int samples, int width)
    {
        var family = familyName switch
        {
            "shared-trunk" => ModelFamily.SharedTrunk,
            "hybrid" => ModelFamily.Hybrid,
            "task-specific" => ModelFamily.TaskSpecific,
            _ => throw new ArgumentException($"Unknown family '{familyName}'; use shared-trunk, hybrid or task-specific."),
        };
        var dataset = Dataset(taskCount, samples, width, labels switch
        {
            "shared" => false,
            "per-task" => true,
            _ => throw new ArgumentException($"Unknown labelling '{labels}'; use shared or per-task."),
        });
        var definition = MultitaskModelBuilder.FromDataset(dataset)
            .UseFamily(family, new ArchitectureOptions { TrunkLayers = [64], TowerLayers = family == ModelFamily.Hybrid ? [16] : [] })
            .Build();
        var options = new TrainerOptions { Epochs = 3, BatchSize = 256, LearningRate = 0.01, Momentum = 0.9, Threads = 1, Seed = 1, Shuffle = true };
        using var model = new MultitaskTrainer(options).Fit(definition, dataset);
        var epochs = model.TrainingHistory!.Epochs;
        var seconds = epochs.Skip(1).Select((e, i) => (e.Elapsed - epochs[i].Elapsed).TotalSeconds);
        var result = new ScaleResult(model.TrainingHistory.Engine.ToString(), Summary.Of(seconds).Median, ProcessMemory.PeakRssMegabytes());
        Console.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }

    /// <summary>T tasks on one input of random features: task t is x·w_t (regression, even t) or x·w_t &gt; 0 (binary,
    /// odd t), labelled on every row or, per task, only on the rows r with r mod T = t.</summary>
    private static MultitaskDataset Dataset(int taskCount, int samples, int width, bool perTask)
    {
        var random = new Random(7);
        var x = new float[samples, width];
        for (var i = 0; i < samples; i++)
        {
            for (var j = 0; j < width; j++)
            {
                x[i, j] = (float)((random.NextDouble() * 2) - 1);
            }
        }

        var tasks = new TaskDefinition[taskCount];
        var labels = new Dictionary<string, LabelColumn>(StringComparer.Ordinal);
        for (var t = 0; t < taskCount; t++)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"task-{t:D5}");
            var w = Enumerable.Range(0, width).Select(_ => (random.NextDouble() * 2) - 1).ToArray();
            var values = new double?[samples];
            var classes = new int?[samples];
            for (var i = 0; i < samples; i++)
            {
                if (perTask && i % taskCount != t)
                {
                    continue;
                }

                double value = 0;
                for (var j = 0; j < width; j++)
                {
                    value += x[i, j] * w[j];
                }

                values[i] = value;
                classes[i] = value > 0 ? 1 : 0;
            }

            tasks[t] = t % 2 == 0 ? TaskDefinition.Regression(name) : TaskDefinition.Binary(name);
            labels[name] = t % 2 == 0 ? LabelColumn.FromValues(values) : LabelColumn.FromClassIndices(classes);
        }

        return new MultitaskDatasetBuilder(tasks).AddSamples("features", x, labels).Build();
    }

    /// <summary>One run's result.</summary>
    private sealed record ScaleResult(string Engine, double EpochSeconds, double PeakRssMegabytes);
}
