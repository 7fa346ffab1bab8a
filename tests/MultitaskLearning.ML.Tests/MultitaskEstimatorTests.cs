using Xunit;
using Microsoft.ML;
using Microsoft.ML.Data;
using MultitaskLearning.Tasks;

namespace MultitaskLearning.ML.Tests;

public sealed class MultitaskEstimatorTests
{
    private readonly MLContext context = new(seed: 1);

    [Fact]
    public void ReadDataset_MasksMissingLabelsPerTask()
    {
        var students = Students.Load(300, step: 10);
        var data = context.Data.LoadFromEnumerable(students);

        var dataset = new MultitaskEstimator(TrainedTransformerFixture.CreateOptions()).ReadDataset(data);

        var score = dataset.Targets["score"];
        var band = dataset.Targets["band"];
        var girl = dataset.Targets["girl"];
        for (var i = 0; i < students.Length; i++)
        {
            Assert.Equal(!float.IsNaN(students[i].Score), score.Present[i]);
            Assert.Equal(students[i].Band.Length > 0, band.Present[i]);
            Assert.Equal(!float.IsNaN(students[i].Girl), girl.Present[i]);
            if (band.Present[i])
            {
                Assert.Equal(students[i].Band, Students.Band.LabelOf((int)band.Values.Span[i]));
            }

            if (score.Present[i])
            {
                Assert.Equal(students[i].Score, score.Values.Span[i]);
            }
        }

        Assert.InRange(score.LabelledCount, 1, students.Length - 1);
        Assert.InRange(band.LabelledCount, 1, students.Length - 1);
        Assert.InRange(girl.LabelledCount, 1, students.Length - 1);
    }

    [Fact]
    public void ReadDataset_KeyLabelsMapThroughTheirKeyValues()
    {
        var data = context.Data.LoadFromEnumerable(Students.Load(200, step: 10));
        // MapValueToKey numbers the bands in order of appearance, not in the task's vocabulary order.
        var keyed = context.Transforms.Conversion.MapValueToKey("BandKey", "Band").Fit(data).Transform(data);
        var options = TrainedTransformerFixture.CreateOptions();
        var estimator = new MultitaskEstimator(options);
        options.LabelColumnNames = new Dictionary<string, string> { ["score"] = "Score", ["band"] = "BandKey", ["girl"] = "Girl" };
        var fromKeys = new MultitaskEstimator(options).ReadDataset(keyed);
        options.LabelColumnNames = new Dictionary<string, string> { ["score"] = "Score", ["band"] = "Band", ["girl"] = "Girl" };
        var fromText = estimator.ReadDataset(data);

        Assert.Equal(fromText.Targets["band"].Present, fromKeys.Targets["band"].Present);
        Assert.Equal(
            Masked(fromText.Targets["band"].Values.ToArray()),
            Masked(fromKeys.Targets["band"].Values.ToArray()));
    }

    [Fact]
    public void Fit_WithMissingLabels_TrainsEveryTask()
    {
        using var transformer = new MultitaskEstimator(TrainedTransformerFixture.CreateOptions())
            .Fit(context.Data.LoadFromEnumerable(Students.Load(300, step: 30)));

        var history = transformer.Model.TrainingHistory!;
        Assert.All(Students.Tasks, task => Assert.True(double.IsFinite(history.Epochs[^1].TaskTrainingLosses[task.Name])));
    }

    [Fact]
    public void Fit_WithoutALabelColumn_NamesTheColumnAndTask()
    {
        var options = TrainedTransformerFixture.CreateOptions();
        options.LabelColumnNames = new Dictionary<string, string> { ["score"] = "ExamScore", ["band"] = "Band", ["girl"] = "Girl" };

        var error = Assert.Throws<ArgumentException>(() => new MultitaskEstimator(options).Fit(context.Data.LoadFromEnumerable(Students.Load(20))));

        Assert.Contains("Label column 'ExamScore' of task 'score' is not in the data", error.Message);
    }

    [Fact]
    public void Fit_WithATextLabelForARegressionTask_NamesTheColumnAndTheTypesAllowed()
    {
        var options = TrainedTransformerFixture.CreateOptions();
        options.LabelColumnNames = new Dictionary<string, string> { ["score"] = "Band", ["band"] = "Band", ["girl"] = "Girl" };

        var error = Assert.Throws<ArgumentException>(() => new MultitaskEstimator(options).Fit(context.Data.LoadFromEnumerable(Students.Load(20))));

        Assert.Contains("Label column 'Band' of task 'score' is String", error.Message);
        Assert.Contains("Single or Double", error.Message);
    }

    [Fact]
    public void Fit_WithADoubleFeatureColumn_NamesTheColumn()
    {
        var data = context.Data.LoadFromEnumerable(Students.Load(20));
        var converted = context.Transforms.Conversion.ConvertType("Wide", "Features", DataKind.Double).Fit(data).Transform(data);
        var options = TrainedTransformerFixture.CreateOptions();
        options.FeatureColumnNames = ["Wide"];

        var error = Assert.Throws<ArgumentException>(() => new MultitaskEstimator(options).Fit(converted));

        Assert.Contains("Feature column 'Wide' is Vector<Double, 22>", error.Message);
    }

    [Fact]
    public void Fit_WithALabelOutsideTheVocabulary_NamesTheColumnRowAndLabel()
    {
        var students = Students.Load(20);
        students[4].Band = "VR9";

        var error = Assert.Throws<InvalidDataException>(() =>
            new MultitaskEstimator(TrainedTransformerFixture.CreateOptions()).Fit(context.Data.LoadFromEnumerable(students)));

        Assert.Contains("Label column 'Band' of task 'band', row 4: label 'VR9' is not one of the task's labels (VR1, VR2, VR3)", error.Message);
    }

    [Fact]
    public void Fit_ConcatenatesScalarFeatureColumnsInOrder()
    {
        var rows = Enumerable.Range(0, 40).Select(i => new { A = (float)i, B = (float)(i % 3), Y = (float)(2 * i) }).ToArray();
        var options = new MultitaskEstimatorOptions
        {
            Tasks = [TaskDefinition.Regression("y")],
            FeatureColumnNames = ["B", "A"],
            LabelColumnNames = new Dictionary<string, string> { ["y"] = "Y" },
        };

        var dataset = new MultitaskEstimator(options).ReadDataset(context.Data.LoadFromEnumerable(rows));

        Assert.Equal([2f, 5f], dataset.Inputs[MultitaskTransformer.InputName].Values.Slice(10, 2).ToArray());
    }

    [Fact]
    public void GetOutputSchema_AddsThePredictionColumns()
    {
        var estimator = new MultitaskEstimator(TrainedTransformerFixture.CreateOptions());
        // ML.NET builds a schema shape from a schema internally (SchemaShape.Create is not public).
        var create = typeof(SchemaShape).GetMethod("Create", System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.NonPublic, [typeof(DataViewSchema)])!;
        var shape = (SchemaShape)create.Invoke(null, [context.Data.LoadFromEnumerable(Students.Load(5)).Schema])!;

        var output = estimator.GetOutputSchema(shape).ToDictionary(c => c.Name);

        Assert.True(output["band.PredictedKey"].IsKey);
        Assert.Equal(SchemaShape.Column.VectorKind.Vector, output["band.Score"].Kind);
        Assert.Equal(SchemaShape.Column.VectorKind.Scalar, output["score.Score"].Kind);
        Assert.Contains("Features", output.Keys);
    }

    [Fact]
    public void Constructor_RefusesAMultiLabelTask()
    {
        var options = new MultitaskEstimatorOptions { Tasks = [TaskDefinition.MultiLabel("tags", "a", "b")] };

        var error = Assert.Throws<ArgumentException>(() => new MultitaskEstimator(options));

        Assert.Contains("Task 'tags' is multi-label", error.Message);
    }

    private static float[] Masked(float[] values) => values.Select(v => float.IsNaN(v) ? -1 : v).ToArray();
}
