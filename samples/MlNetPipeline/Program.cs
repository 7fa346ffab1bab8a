// An ML.NET pipeline around a multitask model: the School data (samples/data/school) read with LoadFromTextFile, the
// student's VR band turned into a label by an ML.NET expression, the features normalised, and one shared-trunk model
// trained on three tasks of each student — the exam score (regression), the VR band (multiclass; 15 students have no
// band, an empty label that the band task skips) and the gender (binary) — saved as an ML.NET model, loaded back and
// evaluated per task with ML.NET's evaluators.
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MultitaskLearning.ML;
using MultitaskLearning.Models;
using MultitaskLearning.Tasks;
using MultitaskLearning.Training;

var watch = Stopwatch.StartNew();
var ml = new MLContext(seed: 1);
var csv = Path.Combine(AppContext.BaseDirectory, "data", "school", "school.csv");

// school.csv: task, y, x1 … x28 (see samples/data/school/README.md). Features: exam year and school intake (x1–x5),
// ethnic group (x11–x21) and school type (x22–x27). The student's gender (x6–x7) and VR band (x8–x10) are tasks.
var data = ml.Data.LoadFromTextFile(csv, new TextLoader.Options
{
    HasHeader = true,
    Separators = [','],
    Columns =
    [
        new TextLoader.Column("Score", DataKind.Single, 1),
        new TextLoader.Column("Features", DataKind.Single, [new TextLoader.Range(2, 6), new TextLoader.Range(12, 28)]),
        new TextLoader.Column("Girl", DataKind.Single, 8),
        new TextLoader.Column("BandVR3", DataKind.Single, 9),
        new TextLoader.Column("BandVR1", DataKind.Single, 10),
        new TextLoader.Column("BandVR2", DataKind.Single, 11),
    ],
});
var split = ml.Data.TrainTestSplit(data, testFraction: 0.3, seed: 1);

var score = TaskDefinition.Regression("score");
var band = TaskDefinition.Multiclass("band", "VR1", "VR2", "VR3");
var girl = TaskDefinition.Binary("girl", "boy", "girl");
var pipeline = ml.Transforms.Expression("Band", "(vr3, vr1, vr2) => vr1 == 1 ? \"VR1\" : vr2 == 1 ? \"VR2\" : vr3 == 1 ? \"VR3\" : \"\"", "BandVR3", "BandVR1", "BandVR2")
    .Append(ml.Transforms.NormalizeMeanVariance("Features"))
    .Append(new MultitaskEstimator(new MultitaskEstimatorOptions
    {
        Tasks = [score, band, girl],
        FeatureColumnNames = ["Features"],
        LabelColumnNames = new Dictionary<string, string> { ["score"] = "Score", ["band"] = "Band", ["girl"] = "Girl" },
        Family = ModelFamily.SharedTrunk,
        Architecture = new ArchitectureOptions { TrunkLayers = [32, 16] },
        Trainer = new TrainerOptions { Epochs = 15, BatchSize = 64, LearningRate = 0.01, Seed = 1 },
    }));

Console.WriteLine("Training one model on three tasks (score, band, girl) …");
var model = pipeline.Fit(split.TrainSet);
Console.WriteLine($"Trained in {watch.Elapsed.TotalSeconds:F1} s.");

var path = Path.Combine(Path.GetTempPath(), "school-multitask.mlnet.zip");
ml.Model.Save(model, split.TrainSet.Schema, path);
var loaded = ml.Model.Load(path, out _);
Console.WriteLine($"Saved to {path} ({new FileInfo(path).Length / 1024} KiB) and loaded back.");

var scored = loaded.Transform(split.TestSet);
// ML.NET's multiclass evaluator reads labels as keys: number them in each task's vocabulary order, like the
// transformer's <task>.PredictedKey and <task>.Score columns.
var bandKeys = ml.Data.LoadFromEnumerable(band.Vocabulary!.Labels.Select(l => new TextKey { Value = l }));
var girlKeys = ml.Data.LoadFromEnumerable(new[] { new NumberKey { Value = 0 }, new NumberKey { Value = 1 } });
var keyed = ml.Transforms.Conversion.MapValueToKey("BandKey", "Band", keyData: bandKeys)
    .Append(ml.Transforms.Conversion.MapValueToKey("GirlKey", "Girl", keyData: girlKeys))
    .Fit(scored)
    .Transform(scored);

var regression = ml.Regression.Evaluate(keyed, labelColumnName: "Score", scoreColumnName: MultitaskColumnNames.Score("score"));
var bands = ml.MulticlassClassification.Evaluate(keyed, labelColumnName: "BandKey",
    scoreColumnName: MultitaskColumnNames.Score("band"), predictedLabelColumnName: MultitaskColumnNames.PredictedKey("band"));
var girls = ml.MulticlassClassification.Evaluate(keyed, labelColumnName: "GirlKey",
    scoreColumnName: MultitaskColumnNames.Score("girl"), predictedLabelColumnName: MultitaskColumnNames.PredictedKey("girl"));

Console.WriteLine();
Console.WriteLine("Test set (30% of the students), ML.NET's evaluators:");
Console.WriteLine($"  score (regression):   R² {regression.RSquared:F3}   RMSE {regression.RootMeanSquaredError:F2}   MAE {regression.MeanAbsoluteError:F2}");
Console.WriteLine($"  band  (3 classes):    accuracy {bands.MicroAccuracy:P1}   macro accuracy {bands.MacroAccuracy:P1}   log-loss {bands.LogLoss:F3}");
Console.WriteLine($"  girl  (binary):       accuracy {girls.MicroAccuracy:P1}   macro accuracy {girls.MacroAccuracy:P1}   log-loss {girls.LogLoss:F3}");

var first = keyed.GetColumn<string>(MultitaskColumnNames.PredictedLabel("band")).First();
Console.WriteLine();
Console.WriteLine($"The first test student's predicted band: {first}. Done in {watch.Elapsed.TotalSeconds:F1} s.");
((IDisposable)model.LastTransformer).Dispose();

/// <summary>A row of the band vocabulary, for MapValueToKey's key order.</summary>
internal sealed class TextKey
{
    /// <summary>The label.</summary>
    public string Value { get; set; } = "";
}

/// <summary>A row of a numeric key order.</summary>
internal sealed class NumberKey
{
    /// <summary>The value.</summary>
    public float Value { get; set; }
}
