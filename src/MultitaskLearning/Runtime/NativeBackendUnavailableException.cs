namespace MultitaskLearning.Runtime;

/// <summary>A native library the library needs could not be loaded: TorchSharp's libtorch (see <see cref="TorchBackend"/>),
/// or the Skia library that MultitaskLearning.Vision decodes images with. The message says what is missing and how to fix it.</summary>
public sealed class NativeBackendUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NativeBackendUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is missing and how to fix it.</param>
    public NativeBackendUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the load failure.</summary>
    /// <param name="message">What is missing and how to fix it.</param>
    /// <param name="innerException">The original load failure.</param>
    public NativeBackendUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
