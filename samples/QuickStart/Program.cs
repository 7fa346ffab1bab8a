// The README's example, kept compiling here: 139 schools as 139 regression tasks, one shared-trunk model.
using MultitaskLearning;
using MultitaskLearning.Data;
using MultitaskLearning.Data.Tabular;
using MultitaskLearning.Models;
using MultitaskLearning.Tasks;
using MultitaskLearning.Training;

var tasks = Enumerable.Range(0, 139).Select(s => TaskDefinition.Regression($"school-{s}")).ToArray();
var csv = Path.Combine(AppContext.BaseDirectory, "data", "school", "school.csv");
var data = CsvTabularReader.Read(csv, tasks, new CsvTabularOptions
{
    TaskColumn = "task", TargetColumn = "y", TaskNamePrefix = "school-", IgnoredColumns = ["x28"],
}).Dataset;
var split = DatasetSplitter.Split(data, new SplitOptions { TrainFraction = 0.7, ValidationFraction = 0.1, Seed = 1 });

var definition = MultitaskModelBuilder.FromDataset(split.Train)
    .UseFamily(ModelFamily.SharedTrunk, new ArchitectureOptions { TrunkLayers = [32, 16] })
    .Build();
var trainer = new MultitaskTrainer(new TrainerOptions
{
    Epochs = 50, Optimizer = OptimizerKind.Adam, LearningRate = 0.001, BatchSize = 64,
    EarlyStopping = new EarlyStoppingOptions { Patience = 5 },
});
using var model = trainer.Fit(definition, split.Train, split.Validation);
Console.WriteLine($"Mean test R² over schools: {model.Evaluate(split.Test).Mean(MetricKind.RSquared):F3}");

model.Save("school.mtl");
using var loaded = MultitaskModel.Load("school.mtl");
using var predictor = loaded.CreatePredictor();
Console.WriteLine(predictor.Predict(split.Test.Inputs["features"].GetSample(0).ToArray())["school-0"]);
