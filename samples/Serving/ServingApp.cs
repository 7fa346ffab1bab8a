using System.Globalization;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace MultitaskLearning.Samples.Serving;

/// <summary>Builds the web application: loads the model named by the configuration key <c>model</c> and maps
/// <c>GET /health</c>, <c>GET /model</c> and <c>POST /predict</c>. Tests and benchmarks host it in-process.</summary>
public static class ServingApp
{
    /// <summary>Builds the application (the model is loaded here, so a bad model fails before the server starts).</summary>
    /// <param name="args">Command-line arguments: <c>--model PATH</c>, <c>--urls URL</c>, <c>--Serving:MaxSamples N</c>, …</param>
    /// <returns>The application, not yet started.</returns>
    /// <exception cref="ArgumentException">No model was given.</exception>
    /// <exception cref="FileNotFoundException">The model file does not exist.</exception>
    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        var options = builder.Configuration.GetSection(ServingOptions.Section).Get<ServingOptions>() ?? new ServingOptions();
        CheckLimits(options);
        var backend = BackendLoader.Open(builder.Configuration["model"], options);
        try
        {
            builder.Services.AddSingleton(options);
            builder.Services.AddSingleton<IPredictionBackend>(_ => backend);
            builder.Services.AddProblemDetails();
            // The body limit is checked by POST /predict itself, so that it answers 400 with a problem naming the body.
            builder.Services.Configure<KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestBodySize = null);
            var app = builder.Build();
            app.UseExceptionHandler();
            Map(app);
            return app;
        }
        catch
        {
            backend.Dispose();
            throw;
        }
    }

    /// <summary>Builds the application and starts it on a free loopback port (127.0.0.1, chosen by the system).</summary>
    /// <param name="args">Arguments as for <see cref="Create"/>, without <c>--urls</c>.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running application and its address; the caller stops and disposes it.</returns>
    public static async Task<(WebApplication App, Uri Address)> StartOnLoopbackAsync(IEnumerable<string> args, CancellationToken cancellationToken = default)
    {
        var app = Create([.. args, "--urls", "http://127.0.0.1:0"]);
        try
        {
            await app.StartAsync(cancellationToken);
            return (app, new Uri(app.Urls.Single()));
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    private static void Map(WebApplication app)
    {
        app.MapGet("/health", (IPredictionBackend backend) => Results.Ok(new { status = "healthy", backend = backend.Description.Backend }));
        app.MapGet("/model", (IPredictionBackend backend, ServingOptions options) => Results.Ok(new
        {
            backend.Description.Backend,
            backend.Description.File,
            backend.Description.Family,
            backend.Description.LibraryVersion,
            backend.Description.Inputs,
            backend.Description.Tasks,
            Limits = new { options.MaxSamples, options.MaxBodyBytes },
        }));
        app.MapPost("/predict", PredictAsync);
    }

    private static async Task<IResult> PredictAsync(HttpContext context, IPredictionBackend backend, ServingOptions options)
    {
        var (request, errors) = await PredictionRequestReader.ReadAsync(context.Request, backend.Description, options, context.RequestAborted);
        if (request is null)
        {
            return Results.ValidationProblem(
                errors,
                detail: string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")),
                title: "The prediction request is invalid.");
        }

        return Results.Ok(new PredictionResponse(request.Input, backend.Predict(request.Input, request.Samples)));
    }

    private static void CheckLimits(ServingOptions options)
    {
        if (options.MaxSamples < 1 || options.MaxBodyBytes < 1 || options.Threads < 0)
        {
            throw new ArgumentException(string.Create(
                CultureInfo.InvariantCulture,
                $"Serving: MaxSamples ({options.MaxSamples}) and MaxBodyBytes ({options.MaxBodyBytes}) must be at least 1 and Threads ({options.Threads}) at least 0."));
        }
    }
}
