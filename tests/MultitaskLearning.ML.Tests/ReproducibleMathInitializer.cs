using System.Runtime.CompilerServices;

namespace MultitaskLearning.ML.Tests;

/// <summary>Turns on MKL's run-to-run reproducibility before any test loads libtorch, as the other test assemblies do
/// (see TorchBackend.UseReproducibleMath).</summary>
internal static class ReproducibleMathInitializer
{
#pragma warning disable CA2255 // A test assembly sets up its process here on purpose: before xunit runs any test.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize() => MultitaskLearning.Runtime.TorchBackend.UseReproducibleMath();
}
