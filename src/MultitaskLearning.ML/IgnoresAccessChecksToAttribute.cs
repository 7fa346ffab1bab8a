namespace System.Runtime.CompilerServices;

/// <summary>Tells the .NET runtime to let this assembly use the internal types and members of the named assembly
/// (see MlNetInternalAccess.targets: ML.NET's model-archive API is internal).</summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
internal sealed class IgnoresAccessChecksToAttribute(string assemblyName) : Attribute
{
    /// <summary>The assembly whose internals this assembly uses.</summary>
    public string AssemblyName { get; } = assemblyName;
}
