using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MultitaskLearning.Data;
using MultitaskLearning.Models;
using MultitaskLearning.Samples.Serving;
using MultitaskLearning.Tasks;
using MultitaskLearning.Training;

namespace MultitaskLearning.Benchmarks;

/// <summary>
/// The served model under load: starts samples/Serving in-process on a loopback port (real Kestrel, 127.0.0.1) and
/// drives <c>POST /predict</c> with HttpClient at 1, 8, 64 and again 64 concurrent clients, one sample per request, for each back
/// end (the library's predictor on the .mtl file and ONNX Runtime on the exported .onnx file, each in its own process).
/// Every level is bounded in requests and in time; the working set and the GC heap are sampled after warm-up and after
/// each level, so that the levels together (100,000 requests by default) show whether memory stays flat.
/// </summary>
internal static class ServingBenchmark
{
    /// <summary>Concurrent clients of each level; 64 runs twice, so that memory after the second equals memory after the
    /// first when nothing leaks (the first levels also grow thread and connection pools).</summary>
    public static readonly int[] ClientCounts = [1, 8, 64, 64];

    public static int Run(TextWriter output, string? modelPath, string? input, int requests, int secondsPerLevel)
    {
        var folder = Directory.CreateTempSubdirectory("serving-bench-").FullName;
        try
        {
            string source;
            if (modelPath is null)
            {
                modelPath = Path.Combine(folder, "tabular.mtl");
                var clock = Stopwatch.StartNew();
                TrainTabularModel(modelPath);
                source = string.Create(CultureInfo.InvariantCulture, $"trained on the fly ({clock.Elapsed.TotalSeconds:F0} s): 2,000 × 32 tabular samples, tasks grade (multiclass, 3), pass (binary), score (regression); shared trunk [64, 32]");
            }
            else
            {
                source = $"{Path.GetFileName(modelPath)} (given with --model)";
            }

            var onnxPath = Path.ChangeExtension(Path.Combine(folder, Path.GetFileName(modelPath)), ".onnx");
            using (var trained = MultitaskModel.Load(modelPath))
            {
                trained.ExportOnnx(onnxPath);
            }

            string[] models = [modelPath, onnxPath];

            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Serving under load: {source}; one sample per POST /predict; levels of {string.Join(", ", ClientCounts)} concurrent clients, each at most {requests / ClientCounts.Length:N0} requests or {secondsPerLevel} s; server and clients in one process on {Environment.ProcessorCount} cores (shared with other processes), back-end threads 1 per request; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC."));
            output.WriteLine();
            output.WriteLine("| back end | clients | requests | errors | requests/s | p50 (ms) | p99 (ms) | working set after (MB) | GC heap after (MB) |");
            output.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            var memory = new List<string>();
            foreach (var model in models)
            {
                var arguments = new List<string> { "serving-once", "--model", model, "--requests", $"{requests}", "--seconds", $"{secondsPerLevel}" };
                if (input is not null)
                {
                    arguments.AddRange(["--input", input]);
                }

                var json = ChildProcess.RunSelf(arguments).Trim().Split('\n')[^1];
                var run = JsonSerializer.Deserialize<ServingRun>(json, ResultJson.Options)!;
                foreach (var level in run.Levels)
                {
                    foreach (var error in level.ErrorSamples)
                    {
                        Console.Error.WriteLine($"{run.Backend}, {level.Clients} clients: {error}");
                    }

                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {run.Backend} | {level.Clients} | {level.Requests:N0} | {level.Errors} | {level.RequestsPerSecond:N0} | {level.P50Milliseconds:F2} | {level.P99Milliseconds:F2} | {level.WorkingSetMegabytes:F0} | {level.GcHeapMegabytes:F1} |"));
                }

                memory.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{run.Backend}: {run.Levels.Sum(l => l.Requests):N0} requests, working set {run.StartWorkingSetMegabytes:F0} → {run.Levels[^2].WorkingSetMegabytes:F0} → {run.Levels[^1].WorkingSetMegabytes:F0} MB, GC heap {run.StartGcHeapMegabytes:F1} → {run.Levels[^2].GcHeapMegabytes:F1} → {run.Levels[^1].GcHeapMegabytes:F1} MB"));
                output.Flush();
            }

            output.WriteLine();
            output.WriteLine("Memory (after warm-up → after the first 64-client level → after the second; the GC heap after a full collection): " + string.Join("; ", memory) + ".");
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>One back end in this process: starts the server, warms up, runs the levels, prints a JSON summary.</summary>
    public static int RunOnce(string modelPath, string? inputName, int requests, int secondsPerLevel) =>
        RunOnceAsync(modelPath, inputName, requests, secondsPerLevel).GetAwaiter().GetResult();

    private static async Task<int> RunOnceAsync(string modelPath, string? inputName, int requests, int secondsPerLevel)
    {
        var (app, address) = await ServingApp.StartOnLoopbackAsync(["--model", modelPath]);
        await using var _ = app;
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = ClientCounts.Max(), PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) };
        using var client = new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        var model = await client.GetFromJsonAsync<JsonElement>("/model");
        var backend = model.GetProperty("backend").GetString()!;
        var inputs = model.GetProperty("inputs").EnumerateArray().ToArray();
        var input = inputName is null ? inputs[0] : inputs.Single(i => i.GetProperty("name").GetString() == inputName);
        var bodies = Bodies(input.GetProperty("name").GetString()!, input.GetProperty("sampleSize").GetInt32(), count: 16);

        // Warm-up: JIT, connection pool, the back end's first runs.
        await Drive(client, bodies, clients: 8, requests: 2_000, TimeSpan.FromSeconds(secondsPerLevel));
        var (startWorkingSet, startHeap) = Memory();
        var levels = new List<ServingLevel>();
        for (var l = 0; l < ClientCounts.Length; l++)
        {
            var share = (requests / ClientCounts.Length) + (l < requests % ClientCounts.Length ? 1 : 0);
            var level = await Drive(client, bodies, ClientCounts[l], share, TimeSpan.FromSeconds(secondsPerLevel));
            var (workingSet, heap) = Memory();
            levels.Add(level with { WorkingSetMegabytes = workingSet, GcHeapMegabytes = heap });
        }

        await app.StopAsync();
        Console.WriteLine(JsonSerializer.Serialize(new ServingRun(backend, startWorkingSet, startHeap, levels), ResultJson.Options));
        return 0;
    }

    /// <summary>Runs <paramref name="clients"/> request loops until <paramref name="requests"/> requests are done or
    /// the time is up; a request that fails or does not answer 200 is an error.</summary>
    private static async Task<ServingLevel> Drive(HttpClient client, byte[][] bodies, int clients, int requests, TimeSpan limit)
    {
        var latencies = new long[requests];
        var next = -1;
        var errors = 0;
        var completed = 0;
        var errorSamples = new System.Collections.Concurrent.ConcurrentQueue<string>();
        void Error(string what)
        {
            if (Interlocked.Increment(ref errors) <= 5)
            {
                errorSamples.Enqueue(what);
            }
        }

        var deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        var clock = Stopwatch.StartNew();
        var loops = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < requests && Stopwatch.GetTimestamp() < deadline)
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    using var content = new ByteArrayContent(bodies[index % bodies.Length]);
                    content.Headers.ContentType = new("application/json");
                    using var response = await client.PostAsync("/predict", content);
                    var answer = await response.Content.ReadAsByteArrayAsync();
                    if (!response.IsSuccessStatusCode)
                    {
                        Error($"HTTP {(int)response.StatusCode}: {Encoding.UTF8.GetString(answer, 0, Math.Min(answer.Length, 500))}");
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
                {
                    Error(ex.ToString());
                }

                latencies[index] = Stopwatch.GetTimestamp() - start;
                Interlocked.Increment(ref completed);
            }
        })).ToArray();
        await Task.WhenAll(loops);
        var seconds = clock.Elapsed.TotalSeconds;
        // Indices taken after the deadline were never sent; their latency stays 0.
        var sorted = latencies.Where(ticks => ticks > 0).Order().ToArray();
        double Percentile(double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)] * 1000.0 / Stopwatch.Frequency;
        return new ServingLevel(clients, completed, errors, completed / seconds, Percentile(0.50), Percentile(0.99), 0, 0, errorSamples.ToArray());
    }

    /// <summary>Request bodies with seeded values in [0, 1) (pixels, or features of the scale the tabular model is trained on).</summary>
    private static byte[][] Bodies(string input, int sampleSize, int count)
    {
        var random = new Random(7);
        return Enumerable.Range(0, count)
            .Select(_ => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
            {
                input,
                sample = Enumerable.Range(0, sampleSize).Select(_ => (float)random.NextDouble()).ToArray(),
            })))
            .ToArray();
    }

    /// <summary>The working set and the GC heap after a full collection, in MB.</summary>
    private static (double WorkingSet, double GcHeap) Memory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return (process.WorkingSet64 / (1024.0 * 1024.0), GC.GetTotalMemory(forceFullCollection: false) / (1024.0 * 1024.0));
    }

    private static void TrainTabularModel(string path)
    {
        const int count = 2_000, features = 32;
        var random = new Random(11);
        var x = new float[count, features];
        var grade = new int?[count];
        var pass = new string?[count];
        var score = new double?[count];
        for (var i = 0; i < count; i++)
        {
            double y = 0;
            for (var j = 0; j < features; j++)
            {
                x[i, j] = (float)random.NextDouble();
                y += (j % 3 == 0 ? 1 : -0.5) * x[i, j];
            }

            grade[i] = y < -0.5 ? 0 : y < 0.5 ? 1 : 2;
            pass[i] = y > 0 ? "yes" : "no";
            score[i] = 50 + (10 * y);
        }

        var data = new MultitaskDatasetBuilder([TaskDefinition.Multiclass("grade", 3), TaskDefinition.Binary("pass", "no", "yes"), TaskDefinition.Regression("score")])
            .AddSamples("features", x, new Dictionary<string, LabelColumn>
            {
                ["grade"] = LabelColumn.FromClassIndices(grade),
                ["pass"] = LabelColumn.FromLabels(pass),
                ["score"] = LabelColumn.FromValues(score),
            })
            .Build();
        var definition = MultitaskModelBuilder.FromDataset(data)
            .UseFamily(ModelFamily.SharedTrunk, new ArchitectureOptions { TrunkLayers = [64, 32] })
            .Build();
        var options = new TrainerOptions { Epochs = 5, BatchSize = 64, Optimizer = OptimizerKind.Adam, LearningRate = 0.003, Seed = 1, Threads = 1 };
        using var model = new MultitaskTrainer(options).Fit(definition, data);
        model.Save(path);
    }

    /// <summary>One level of concurrent clients.</summary>
    public sealed record ServingLevel(int Clients, int Requests, int Errors, double RequestsPerSecond, double P50Milliseconds, double P99Milliseconds, double WorkingSetMegabytes, double GcHeapMegabytes, IReadOnlyList<string> ErrorSamples);

    /// <summary>One back end's run.</summary>
    public sealed record ServingRun(string Backend, double StartWorkingSetMegabytes, double StartGcHeapMegabytes, IReadOnlyList<ServingLevel> Levels);
}
