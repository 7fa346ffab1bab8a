using MultitaskLearning.Samples.Serving;

// A served model: dotnet run --project samples/Serving -- --model seed-model.mtl (or an .onnx file). See README.md.
WebApplication app;
try
{
    app = ServingApp.Create(args);
}
catch (Exception ex) when (ex is ArgumentException or FileNotFoundException or InvalidDataException or NotSupportedException)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

await using (app)
{
    await app.RunAsync();
}

return 0;
