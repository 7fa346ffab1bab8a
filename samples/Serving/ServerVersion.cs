using System.Reflection;

namespace MultitaskLearning.Samples.Serving;

/// <summary>Versions compiled into the server.</summary>
internal static class ServerVersion
{
    /// <summary>The MultitaskLearning version the server was built with (read without loading the library).</summary>
    public static string MultitaskLearning { get; } = typeof(ServerVersion).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == "MultitaskLearningVersion")?.Value ?? "unknown";
}
