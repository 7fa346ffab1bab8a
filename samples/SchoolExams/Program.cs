using System.CommandLine;
using MultitaskLearning.Models;
using MultitaskLearning.Samples;
using MultitaskLearning.Samples.SchoolExams;

SampleConsole.Configure();
var splitsOption = new Option<int>("--splits") { Description = "Number of seeded 75/25 splits (runs).", DefaultValueFactory = _ => 10 };
var epochsOption = new Option<int>("--epochs") { Description = "Maximum epochs per deep model (early stopping on a 10% validation part of the training rows).", DefaultValueFactory = _ => 100 };
var familiesOption = new Option<string>("--families") { Description = "Comma-separated deep families to train (shared-trunk, task-specific, hybrid), or \"none\".", DefaultValueFactory = _ => "shared-trunk,task-specific,hybrid" };
var jsonOption = new Option<string?>("--json") { Description = "Also write the results as JSON to this file." };
var reportOption = new Option<string?>("--report") { Description = "Also write a training report (PNG charts and a self-contained index.html) into this folder: the deep families' training curves of split 0 and every model's explained variance." };
var dataOption = new Option<string>("--data") { Description = "Path of school.csv.", DefaultValueFactory = _ => Path.Combine(AppContext.BaseDirectory, "data", "school", "school.csv") };
var root = new RootCommand("The School benchmark: 139 schools = 139 regression tasks. Fits the linear family (ridge, mean-regularised, L2,1, trace norm; λ by 5-fold CV) and the deep families (shared-trunk, task-specific, hybrid) on the same seeded 75/25 splits and reports pooled test explained variance.")
{
    splitsOption, epochsOption, familiesOption, jsonOption, reportOption, dataOption,
};
root.SetAction(parse =>
{
    var splits = parse.GetValue(splitsOption);
    var epochs = parse.GetValue(epochsOption);
    var families = parse.GetValue(familiesOption)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Where(f => f != "none").Select(ModelFamilyExtensions.ParseFamilyName).ToArray();
    if (splits < 1 || epochs < 1)
    {
        Console.Error.WriteLine("--splits and --epochs must be at least 1.");
        return 2;
    }

    return SchoolExperiment.Run(parse.GetValue(dataOption)!, splits, epochs, families, parse.GetValue(jsonOption), parse.GetValue(reportOption));
});
return root.Parse(args).Invoke();

