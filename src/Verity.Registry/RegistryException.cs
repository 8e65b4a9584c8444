namespace Verity.Registry;

/// <summary>
/// A registry call could not produce the requested evidence: "we could not get the evidence", not "the
/// evidence says no".
/// </summary>
/// <remarks>
/// The message is a sentence that names the registry, repository and reference, e.g.
/// <c>manifest "127.0.0.1:5000/test/app:latest" not found: manifest unknown</c>. It never contains credentials,
/// tokens or response bodies beyond the registry's short error code.
/// </remarks>
public sealed class RegistryException : Exception
{
    /// <summary>Creates an exception of the given kind.</summary>
    public RegistryException(RegistryErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
    }

    /// <summary>Creates an <see cref="RegistryErrorKind.ProtocolError"/> (for serializers and analyzers).</summary>
    public RegistryException()
        : this(RegistryErrorKind.ProtocolError, "registry error")
    {
    }

    /// <summary>Creates an <see cref="RegistryErrorKind.ProtocolError"/> with a message.</summary>
    public RegistryException(string message)
        : this(RegistryErrorKind.ProtocolError, message)
    {
    }

    /// <summary>Creates an <see cref="RegistryErrorKind.ProtocolError"/> with a message and cause.</summary>
    public RegistryException(string message, Exception innerException)
        : this(RegistryErrorKind.ProtocolError, message, innerException)
    {
    }

    /// <summary>What went wrong.</summary>
    public RegistryErrorKind Kind { get; }

    /// <summary>The HTTP status the registry answered with, if the failure came from a response.</summary>
    public int? StatusCode { get; init; }

    /// <summary>Whether retrying may help (a token service answered 429/5xx); the transport retries these.</summary>
    internal bool Transient { get; init; }

    /// <summary>Whether the image (or tag, blob, repository) does not exist, as opposed to a failure to find out.</summary>
    public bool IsNotFound => Kind == RegistryErrorKind.NotFound;
}
